"""Prometheus metrics (``prometheus-client``), in a registry of their own.

The hot path reports through :class:`PrometheusMetrics` as a ``CallObserver``: a dictionary
lookup of the label set's children (made once per label set) and one counter increment and one
histogram observation, no ``labels()`` call per request. Nothing here carries a workspace id,
a key prefix or a store: per-tenant numbers live in the usage review, and labels stay bounded
(platform, tool of the registry, status).

What is exported:

* ``shopmcp_tool_calls_total{platform,tool,status}`` and
  ``shopmcp_tool_call_duration_seconds{platform,tool}`` (histogram);
* ``shopmcp_rate_limit_refusals_total{method}`` (``tools/call`` or ``other``);
* ``shopmcp_upstream_errors_total{platform,status}`` (HTTP status, or ``unavailable``);
* ``shopmcp_meter_outbox_depth`` and ``shopmcp_meter_outbox_oldest_age_seconds`` (read at
  scrape time);
* ``shopmcp_data_key_cache_hits_total`` and ``..._misses_total`` (the vault's cache, read at
  scrape time).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, Metric
from prometheus_client.registry import Collector

from shopmcp_domain.errors import UsageStatus

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
# Tool latencies: a cached read is milliseconds, an upstream call up to the read timeout.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)


class _CacheCollector(Collector):
    def __init__(self, read: Callable[[], tuple[int, int]]) -> None:
        self._read = read

    def collect(self) -> Iterable[Metric]:
        hits, misses = self._read()
        hit = CounterMetricFamily(
            "shopmcp_data_key_cache_hits", "Credential opens served by a cached data key."
        )
        hit.add_metric([], hits)
        miss = CounterMetricFamily(
            "shopmcp_data_key_cache_misses", "Credential opens that had to unwrap a data key."
        )
        miss.add_metric([], misses)
        return [hit, miss]


class PrometheusMetrics:
    """The ``CallObserver`` the gateway reports to, and what ``/metrics`` renders."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self._calls = Counter(
            "shopmcp_tool_calls",
            "MCP tools/call requests, by platform, tool and outcome.",
            ["platform", "tool", "status"],
            registry=self.registry,
        )
        self._latency = Histogram(
            "shopmcp_tool_call_duration_seconds",
            "Time to serve a tools/call (upstream included, audit write excluded).",
            ["platform", "tool"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self._refusals = Counter(
            "shopmcp_rate_limit_refusals",
            "Requests refused by a workspace's rate limit.",
            ["method"],
            registry=self.registry,
        )
        self._upstream = Counter(
            "shopmcp_upstream_errors",
            "Upstream error answers, by platform and HTTP status (or unavailable).",
            ["platform", "status"],
            registry=self.registry,
        )
        self._outbox_depth = Gauge(
            "shopmcp_meter_outbox_depth",
            "Meter records not yet sent to billing (and not given up on).",
            registry=self.registry,
        )
        self._outbox_age = Gauge(
            "shopmcp_meter_outbox_oldest_age_seconds",
            "Age of the oldest meter record not yet sent (0 when none).",
            registry=self.registry,
        )
        # (platform, tool, status) -> the counter child and the histogram child, made once.
        self._children: dict[tuple[str, str, UsageStatus], tuple[Counter, Histogram]] = {}

    # ---- CallObserver (the hot path)

    def tool_call(self, platform: str, tool: str, status: UsageStatus, seconds: float) -> None:
        children = self._children.get((platform, tool, status))
        if children is None:
            children = (
                self._calls.labels(platform, tool, status.value),
                self._latency.labels(platform, tool),
            )
            self._children[(platform, tool, status)] = children
        children[0].inc()
        children[1].observe(seconds)

    def upstream_error(self, platform: str, status: str) -> None:
        self._upstream.labels(platform, status).inc()

    def rate_limited(self, method: str) -> None:
        self._refusals.labels(method).inc()

    # ---- read at scrape time

    def watch_data_key_cache(self, read: Callable[[], tuple[int, int]]) -> None:
        """``read`` returns the vault cache's (hits, misses) so far."""
        self.registry.register(_CacheCollector(read))

    def set_outbox(self, depth: int, oldest: dt.datetime | None, now: dt.datetime) -> None:
        self._outbox_depth.set(depth)
        self._outbox_age.set(0.0 if oldest is None else max(0.0, (now - oldest).total_seconds()))

    def render(self) -> bytes:
        return generate_latest(self.registry)
