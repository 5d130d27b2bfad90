# syntax=docker/dockerfile:1
# The gateway image: `docker build -t shopmcp .`, run by compose.yaml (gateway and worker).
# Two stages: the build stage makes a wheel and installs it into a virtualenv; the final stage
# copies only that virtualenv onto a slim Python, with no compiler, pip cache or sources.

ARG PYTHON_VERSION=3.12

FROM python:${PYTHON_VERSION}-slim AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
WORKDIR /src
RUN python -m venv /opt/shopmcp
COPY pyproject.toml README.md LICENSE ./
COPY src ./src
RUN /opt/shopmcp/bin/pip install --upgrade pip \
 && /opt/shopmcp/bin/pip wheel --no-deps --wheel-dir /wheels . \
 && /opt/shopmcp/bin/pip install /wheels/*.whl

FROM python:${PYTHON_VERSION}-slim AS runtime
ENV PATH=/opt/shopmcp/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    SHOPMCP_HOST=0.0.0.0 \
    SHOPMCP_PORT=8000 \
    SHOPMCP_DATA_DIR=/data
# A fixed uid so a volume's ownership survives image rebuilds.
RUN groupadd --system --gid 10001 shopmcp \
 && useradd --system --uid 10001 --gid shopmcp --home-dir /data --shell /usr/sbin/nologin shopmcp \
 && mkdir -p /data && chown shopmcp:shopmcp /data && chmod 700 /data
COPY --from=build /opt/shopmcp /opt/shopmcp
USER shopmcp
WORKDIR /data
VOLUME ["/data"]
EXPOSE 8000
# The slim image has no curl: ask /health with the interpreter already there.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/health' % os.environ.get('SHOPMCP_PORT', '8000'), timeout=4)"]
ENTRYPOINT ["shopmcp"]
CMD ["serve"]
