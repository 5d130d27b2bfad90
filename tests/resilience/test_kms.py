"""KMS unreachable: cached data keys up to their cap, then a clear error."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from shopmcp_adapters.vault import LocalKeyRing
from shopmcp_domain.errors import CredentialUnavailable
from shopmcp_entrypoints.demo.servers import LocalTls
from tests.resilience import services
from tests.resilience.checks import final_checks
from tests.resilience.config import Config
from tests.resilience.load import Load, Outcome, latency_ms, outcomes, samples
from tests.resilience.report import Report
from tests.resilience.standin import slug_for
from tests.resilience.world import Spec, Stack, StandIn


async def test_kms_unreachable(
    config: Config, report: Report, tls: LocalTls, standin: StandIn, work: Path
) -> None:
    """The gateway on a KMS key (moto_server): once moto is stopped, data keys already
    unwrapped keep working until their cache lifetime (SHOPMCP_DEK_CACHE_SECONDS, here 8 s)
    runs out, then every call fails with the vault's one clear error; nothing is ever served
    from a plaintext fallback."""
    cache_seconds, stop_after, margin = 8.0, 1.5, 1.0
    with report.scenario(
        "kms_unreachable", "KMS stopped: cached data keys, then a clear error"
    ) as sc:
        async with Stack.open(config, tls, standin, work) as stack:
            moto = await services.start_moto(stack.logs)
            endpoint = f"http://127.0.0.1:{moto.port}"
            aws = services.aws_env(endpoint, stack.work)
            try:
                with services.environment(
                    aws, drop=("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL")
                ):
                    from shopmcp_adapters.vault import kms_client_from_environment

                    key = str(kms_client_from_environment().create_key()["KeyMetadata"]["Arn"])
                    tenants = await stack.seed(
                        [Spec(slug_for("kms", n)) for n in range(2)], kms_key_id=key
                    )
                gateway = await stack.start_gateway(
                    "gateway",
                    extra={
                        **aws,
                        "SHOPMCP_KMS_KEY_ID": key,
                        "SHOPMCP_DEK_CACHE_SECONDS": str(cache_seconds),
                    },
                )
                load = Load([t.caller for t in tenants], [gateway.port], [0, 1, 0, 1], pause=0.1)
                first_sent = time.time()
                firsts = [await load.probe(n) for n in range(len(tenants))]
                first_received = time.time()
                await load.start()
                await asyncio.sleep(max(0.0, first_sent + stop_after - time.time()))
                await moto.stop()
                kms_stopped = time.time()
                await asyncio.sleep(max(0.0, first_received + cache_seconds + 4.0 - time.time()))
                await load.stop()
                gateway.child.check_alive()
                await final_checks(sc, stack, load, tenants)
                local_keys = LocalKeyRing.load(stack.data_dir).key_ids
            finally:
                await moto.stop()

        cached = load.between(kms_stopped, first_sent + cache_seconds - margin)
        expired = load.between(first_received + cache_seconds + 0.5, time.time())
        message = CredentialUnavailable().message
        sc.measured.update(
            {
                "dek_cache_seconds": cache_seconds,
                "kms_stopped_after_first_call_s": round(kms_stopped - first_sent, 2),
                "while_cached": {"outcomes": outcomes(cached), "latency_ms": latency_ms(cached)},
                "after_cap": {
                    "outcomes": outcomes(expired),
                    "latency_ms": latency_ms(expired),
                    "errors": samples(expired, Outcome.TOOL_ERROR),
                },
            }
        )
        sc.check(
            "first_calls_opened_through_kms",
            all(call.outcome is Outcome.OK for call in firsts),
            f"first call per workspace (KMS up): {[call.outcome.value for call in firsts]}",
        )
        sc.check(
            "cached_keys_serve_while_kms_down",
            bool(cached) and all(c.outcome is Outcome.OK for c in cached),
            f"{len(cached)} calls sent between KMS stopping and {margin:g}s before the data keys "
            f"expire: {outcomes(cached)}",
        )
        sc.check(
            "clear_error_after_the_cap",
            bool(expired)
            and all(c.outcome is Outcome.TOOL_ERROR and c.detail == message for c in expired),
            f"{len(expired)} calls sent after the data keys expired: {outcomes(expired)}; "
            f"errors: {samples(expired, Outcome.TOOL_ERROR)}",
        )
        sc.check(
            "no_plaintext_fallback",
            not local_keys and not any(c.outcome is Outcome.OK for c in expired),
            f"{sum(c.outcome is Outcome.OK for c in expired)} answers with data after the cap; "
            f"local master keys in the gateway's data dir: {len(local_keys)}",
        )
