"""Customer tools."""

from __future__ import annotations

from shopmcp_adapters.upstreams.module import Reply
from shopmcp_adapters.upstreams.shopify import documents as docs
from shopmcp_adapters.upstreams.shopify import search
from shopmcp_adapters.upstreams.shopify.client import ShopifyClient
from shopmcp_adapters.upstreams.shopify.inputs import customers as inputs
from shopmcp_adapters.upstreams.shopify.outputs import customers as outputs
from shopmcp_adapters.upstreams.shopify.tools.table import found, money, more, op, plural, tools


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
        for c in page.customers
    ]
    return "\n".join([f"{plural(len(page.customers), 'customer')}{more(page.page_info)}", *lines])


def customer_text(customer: outputs.CustomerOutput) -> str:
    return (
        f"{customer.name}: {plural(customer.number_of_orders, 'order')}, "
        f"spent {money(customer.amount_spent)}, "
        f"last order {customer.last_order_name or 'none'}"
    )
