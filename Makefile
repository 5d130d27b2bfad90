# Every target installs what it needs first, so a fresh clone needs only `make run` / `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: install run demo test test-unit test-contract test-integration resilience conformance lint fmt bench clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(VENV)/bin/shopmcp serve

demo: $(STAMP)
	$(VENV)/bin/shopmcp demo

test: $(STAMP)
	$(PY) -m pytest tests/unit tests/contract tests/integration

test-unit: $(STAMP)
	$(PY) -m pytest tests/unit

test-contract: $(STAMP)
	$(PY) -m pytest tests/contract

test-integration: $(STAMP)
	$(PY) -m pytest tests/integration

# The gateway as real processes under load, faults and two replicas (tests/resilience, not part
# of `make test`): about three minutes on two cores. Needs PostgreSQL (127.0.0.1:5432), Redis
# (127.0.0.1:6379), redis-server and moto_server; SHOPMCP_RESILIENCE_SECONDS shortens the load
# scenario (default 60). The JSON report goes to benchmarks/results/ (not committed).
resilience: $(STAMP)
	$(PY) -m pytest tests/resilience

# The official MCP conformance suite against `shopmcp demo` (needs Node.js + npm; fetches the
# suite, and Node 22 if the machine's is older, from the npm registry). Failures the gateway
# owes to features it does not offer are listed, with reasons, in conformance/expected-failures.yml.
conformance: $(STAMP)
	conformance/run.sh

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests benchmarks
	$(VENV)/bin/ruff format --check src tests benchmarks
	$(VENV)/bin/mypy --strict src tests benchmarks

fmt: $(STAMP)
	$(VENV)/bin/ruff format src tests benchmarks
	$(VENV)/bin/ruff check --fix src tests benchmarks

# hot_path runs the gateway on PostgreSQL (127.0.0.1:5432) and Redis (127.0.0.1:6379) and says
# so when they are missing; results go to benchmarks/results/ (not committed).
bench: $(STAMP)
	$(PY) -m benchmarks

clean:
	rm -rf $(VENV) .shopmcp .pytest_cache .mypy_cache .ruff_cache
