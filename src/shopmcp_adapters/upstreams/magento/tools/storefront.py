"""The storefront tools: the store views' configuration."""

from __future__ import annotations

from shopmcp_adapters.upstreams.magento.client import MagentoClient
from shopmcp_adapters.upstreams.magento.inputs.common import NoInput
from shopmcp_adapters.upstreams.magento.operations import STORE_CONFIGS
from shopmcp_adapters.upstreams.magento.outputs.storefront import StoreOutput
from shopmcp_adapters.upstreams.magento.tools.table import tools
from shopmcp_adapters.upstreams.module import Reply


@tools.read(
    "magento_get_store",
    "Magento store configuration",
    "The store views' configuration: code, locale, currencies, timezone, weight unit and "
    "base URLs.",
    NoInput,
    StoreOutput,
    STORE_CONFIGS,
)
async def get_store(client: MagentoClient, args: NoInput) -> Reply:
    result = StoreOutput.model_validate(await client.get(STORE_CONFIGS))
    return Reply(result, _store_text(result))


def _store_text(result: StoreOutput) -> str:
    lines = [
        f"{s.code}: {s.locale}, {s.base_currency_code}, {s.timezone}, {s.secure_base_url}"
        for s in result.stores
    ]
    return f"{len(result.stores)} store view(s). " + "; ".join(lines)
