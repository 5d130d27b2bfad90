"""Customer tools: customers, their order history and their tags."""

from __future__ import annotations

from shopmcp_adapters.upstreams.module import Reply
from shopmcp_adapters.upstreams.shopify import documents as docs
from shopmcp_adapters.upstreams.shopify import search
from shopmcp_adapters.upstreams.shopify.client import ShopifyClient
from shopmcp_adapters.upstreams.shopify.inputs import customers as inputs
from shopmcp_adapters.upstreams.shopify.outputs import customers as outputs
from shopmcp_adapters.upstreams.shopify.tools.table import (
    found,
    money,
    more,
    next_page,
    op,
    plural,
    tools,
    write_hints,
)
from shopmcp_domain.tools.whitelist import WriteWhitelist


@tools.read(
    "shopify_list_customers",
    "List customers",
    "Customers, most recently updated first, by search words or email.",
    inputs.ListCustomersInput,
    outputs.ListCustomersOutput,
    op(docs.LIST_CUSTOMERS),
)
async def list_customers(client: ShopifyClient, args: inputs.ListCustomersInput) -> Reply:
    variables = {"first": args.first, "after": args.after, "query": customers_query(args)}
    page = outputs.ListCustomersOutput.model_validate(
        await client.query(docs.LIST_CUSTOMERS, variables)
    )
    return Reply(page, customers_text(page))


@tools.read(
    "shopify_get_customer",
    "Get a customer",
    "One customer with order count, total spent and their ten most recent orders.",
    inputs.GetCustomerInput,
    outputs.CustomerOutput,
    op(docs.GET_CUSTOMER),
)
async def get_customer(client: ShopifyClient, args: inputs.GetCustomerInput) -> Reply:
    data = await client.query(docs.GET_CUSTOMER, {"id": args.customer_id})
    customer = outputs.CustomerOutput.model_validate(found(data, "customer", args.customer_id))
    return Reply(customer, customer_text(customer))


_TAGS = WriteWhitelist(writable=frozenset({"tags"}), locators=frozenset({"customer_id"}))


@tools.write(
    "shopify_add_customer_tags",
    "Tag a customer",
    "Add tags to a customer (e.g. vip); the tags they already have stay.",
    inputs.CustomerTagsInput,
    outputs.CustomerTagsOutput,
    op(docs.ADD_CUSTOMER_TAGS),
    whitelist=_TAGS,
    # Only adds; a tag the customer already has is not added twice.
    annotations=write_hints(destructive=False, idempotent=True),
)
async def add_customer_tags(client: ShopifyClient, args: inputs.CustomerTagsInput) -> Reply:
    variables = {"id": args.customer_id, "tags": args.tags}
    payload = await client.mutate(docs.ADD_CUSTOMER_TAGS, variables, "tagsAdd")
    found(payload, "node", args.customer_id)
    tagged = outputs.CustomerTagsOutput.model_validate(payload)
    return Reply(tagged, tags_text(tagged))


@tools.write(
    "shopify_remove_customer_tags",
    "Untag a customer",
    "Remove tags from a customer; their other tags stay.",
    inputs.CustomerTagsInput,
    outputs.CustomerTagsOutput,
    op(docs.REMOVE_CUSTOMER_TAGS),
    whitelist=_TAGS,
    annotations=write_hints(destructive=True, idempotent=True),
)
async def remove_customer_tags(client: ShopifyClient, args: inputs.CustomerTagsInput) -> Reply:
    variables = {"id": args.customer_id, "tags": args.tags}
    payload = await client.mutate(docs.REMOVE_CUSTOMER_TAGS, variables, "tagsRemove")
    found(payload, "node", args.customer_id)
    tagged = outputs.CustomerTagsOutput.model_validate(payload)
    return Reply(tagged, tags_text(tagged))


# --------------------------------------------------------------------------- search strings


def customers_query(args: inputs.ListCustomersInput) -> str | None:
    return search.join(
        [
            search.phrase(None, args.search) if args.search else None,
            search.email("email", args.email) if args.email else None,
        ]
    )


# --------------------------------------------------------------------------- reply texts


def customers_text(page: outputs.ListCustomersOutput) -> str:
    lines = [
        f"{c.name}: {plural(c.number_of_orders, 'order')}, spent {money(c.amount_spent)}"
        + (f", tags {', '.join(c.tags)}" if c.tags else "")
        + f", id {c.id}"
        for c in page.customers
    ]
    header = f"{plural(len(page.customers), 'customer')}{more(page.page_info)}"
    return "\n".join([header, *lines, *next_page(page.page_info)])


def customer_text(customer: outputs.CustomerOutput) -> str:
    summary = (
        f"{customer.name}: {plural(customer.number_of_orders, 'order')}, "
        f"spent {money(customer.amount_spent)}, "
        f"last order {customer.last_order_name or 'none'}"
    )
    lines = [
        f"- {o.name} {o.created_at[:10]} {money(o.total)}, id {o.id}"
        for o in customer.recent_orders
    ]
    return "\n".join([summary, *lines])


def tags_text(tagged: outputs.CustomerTagsOutput) -> str:
    tags = ", ".join(tagged.tags) or "none"
    return f"{tagged.name or tagged.customer_id} ({tagged.customer_id}) now has tags: {tags}"
