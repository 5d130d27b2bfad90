"""Customer tools: customers, a customer's order summary, customer groups, and carts.

``bigcommerce_get_customer`` and ``bigcommerce_list_customers`` share ``GET /v3/customers`` (v3
has no single-customer endpoint): the get sends the fixed query ``id:in=<customer_id>`` with
``include=addresses,storecredit``, and an empty ``data`` list is a 404-style UpstreamError. The
customer's order history summary is ``bigcommerce_get_customer_order_summary``:
``/v2/orders/count`` filtered by ``customer_id`` answers the total and the count per status in
one request; the orders themselves are ``bigcommerce_list_orders`` with ``customer_id``.

BigCommerce has no API listing abandoned carts (they are announced by the
``store/cart/abandoned`` webhook and the abandoned-cart emails): ``bigcommerce_get_abandoned_cart``
turns the token of such an email link or webhook into the cart id, and ``bigcommerce_get_cart``
reads the cart.
"""

from __future__ import annotations

from shopmcp_adapters.upstreams.bigcommerce.client import BigCommerceClient
from shopmcp_adapters.upstreams.bigcommerce.inputs.customers import (
    AbandonedCartInput,
    CartIdInput,
    CustomerGroupIdInput,
    CustomerIdInput,
    ListCustomerGroupsInput,
    ListCustomersInput,
)
from shopmcp_adapters.upstreams.bigcommerce.outputs import customers as m
from shopmcp_adapters.upstreams.bigcommerce.outputs.common import V2List, V3Data
from shopmcp_adapters.upstreams.bigcommerce.outputs.orders import (
    CustomerOrderSummaryOutput,
    OrderCounts,
)
from shopmcp_adapters.upstreams.bigcommerce.tools import operations as op
from shopmcp_adapters.upstreams.bigcommerce.tools.table import PLATFORM, tools
from shopmcp_adapters.upstreams.bigcommerce.tools.texts import (
    full_name,
    listed,
    money,
    next_page,
    plural,
    v3_more,
)
from shopmcp_adapters.upstreams.module import Reply
from shopmcp_domain.errors import (
    UpstreamError,
    UpstreamResponseInvalid,
)


@tools.read(
    "bigcommerce_list_customers",
    "List customers",
    "List or search customers by exact email, part of the name or customer group. Paged.",
    ListCustomersInput,
    m.ListCustomersOutput,
    op.CUSTOMERS,
)
async def list_customers(client: BigCommerceClient, args: ListCustomersInput) -> Reply:
    params: dict[str, str | int] = {"page": args.page, "limit": args.limit}
    if args.email is not None:
        params["email:in"] = args.email
    if args.name is not None:
        params["name:like"] = args.name
    if args.customer_group_id is not None:
        params["customer_group_id:in"] = args.customer_group_id
    out = m.ListCustomersOutput.model_validate(await client.call(op.CUSTOMERS, params=params))
    lines = [f"#{c.id} {full_name(c.first_name, c.last_name)} <{c.email}>" for c in out.customers]
    more = v3_more(out.pagination.current_page, out.pagination.total_pages)
    return Reply(out, listed(plural(len(out.customers), "customer"), lines, more))


CUSTOMER_INCLUDE = "addresses,storecredit"


@tools.read(
    "bigcommerce_get_customer",
    "Get a customer",
    "One customer by id: contact details, group, notes, store credit (summed over currencies) "
    "and up to 10 addresses. For their order history use "
    "bigcommerce_get_customer_order_summary, or bigcommerce_list_orders with customer_id.",
    CustomerIdInput,
    m.GetCustomerOutput,
    op.CUSTOMERS,
)
async def get_customer(client: BigCommerceClient, args: CustomerIdInput) -> Reply:
    body = await client.call(
        op.CUSTOMERS, params={"id:in": args.customer_id, "include": CUSTOMER_INCLUDE}
    )
    found = V3Data[list[m.CustomerDetail]].model_validate(body).data
    if not found:
        raise UpstreamError(PLATFORM.value, 404, f"no customer with id {args.customer_id}")
    if len(found) != 1:
        raise UpstreamResponseInvalid(PLATFORM.value, "more than one customer for one id")
    if found[0].id != args.customer_id:
        raise UpstreamResponseInvalid(PLATFORM.value, "the upstream answered another customer")
    customer = found[0]
    name = full_name(customer.first_name, customer.last_name) or "(no name)"
    text = f"Customer #{customer.id} {name} <{customer.email}>"
    if customer.date_created:
        text += f", since {customer.date_created.date().isoformat()}"
    return Reply(m.GetCustomerOutput(customer=customer), text + ".")


@tools.read(
    "bigcommerce_get_customer_order_summary",
    "A customer's order history summary",
    "How many orders one customer has placed, in total and per order status.",
    CustomerIdInput,
    CustomerOrderSummaryOutput,
    op.ORDER_COUNT,
)
async def get_customer_order_summary(client: BigCommerceClient, args: CustomerIdInput) -> Reply:
    body = await client.call(op.ORDER_COUNT, params={"customer_id": args.customer_id})
    counts = OrderCounts.model_validate(body)
    out = CustomerOrderSummaryOutput(
        customer_id=args.customer_id, total_orders=counts.total, by_status=counts.nonzero
    )
    text = f"Customer #{out.customer_id} has {plural(out.total_orders, 'order')}"
    if out.by_status:
        text += ": " + ", ".join(f"{c.count} {c.name}" for c in out.by_status)
    return Reply(out, text + ".")


@tools.read(
    "bigcommerce_list_customer_groups",
    "List customer groups",
    "The store's customer groups (e.g. wholesale, VIP) with their ids and discount rules. "
    "Their members are bigcommerce_list_customers with customer_group_id. Paged.",
    ListCustomerGroupsInput,
    m.ListCustomerGroupsOutput,
    op.CUSTOMER_GROUPS,
)
async def list_customer_groups(client: BigCommerceClient, args: ListCustomerGroupsInput) -> Reply:
    params: dict[str, str | int] = {"page": args.page, "limit": args.limit}
    if args.name is not None:
        params["name:like"] = args.name
    body = await client.call(op.CUSTOMER_GROUPS, params=params, empty=[])
    groups = V2List[m.CustomerGroup].model_validate(body).root
    out = m.ListCustomerGroupsOutput(
        groups=groups, page=args.page, limit=args.limit, has_more=len(groups) >= args.limit
    )
    lines = [f"#{g.id} {g.name}" + (" (default)" if g.is_default else "") for g in out.groups]
    head = plural(len(out.groups), "customer group")
    return Reply(out, listed(head, lines, next_page(out.page, out.has_more)))


@tools.read(
    "bigcommerce_get_customer_group",
    "Get a customer group",
    "One customer group by id: whether it is the default or the guests' group, which "
    "categories it may see and its discount rules.",
    CustomerGroupIdInput,
    m.GetCustomerGroupOutput,
    op.CUSTOMER_GROUP,
)
async def get_customer_group(client: BigCommerceClient, args: CustomerGroupIdInput) -> Reply:
    body = await client.call(op.CUSTOMER_GROUP, path={"customer_group_id": args.customer_group_id})
    group = m.CustomerGroup.model_validate(body)
    rules = [
        f"{r.method or ''} {money(r.amount)} on {r.type}".strip() for r in group.discount_rules
    ]
    head = f"Customer group #{group.id} {group.name}" + (" (default)" if group.is_default else "")
    return Reply(
        m.GetCustomerGroupOutput(group=group),
        listed(head + f", {plural(len(rules), 'discount rule')}", rules),
    )


@tools.read(
    "bigcommerce_get_abandoned_cart",
    "Find an abandoned cart",
    "The cart id behind an abandoned-cart token (from an abandoned-cart email link or the "
    "store/cart/abandoned webhook). BigCommerce offers no list of abandoned carts; read the "
    "cart itself with bigcommerce_get_cart.",
    AbandonedCartInput,
    m.AbandonedCartOutput,
    op.ABANDONED_CART,
)
async def get_abandoned_cart(client: BigCommerceClient, args: AbandonedCartInput) -> Reply:
    body = await client.call(op.ABANDONED_CART, path={"token": args.token})
    data = V3Data[dict[str, object]].model_validate(body).data
    out = m.AbandonedCartOutput.model_validate({**data, "token": args.token})
    return Reply(out, f"Abandoned cart {out.cart_id} (token {out.token}).")


@tools.read(
    "bigcommerce_get_cart",
    "Get a cart",
    "One cart by id (a UUID): its customer, line items with SKUs and prices, coupons and "
    "amounts, and when it was created and last changed. BigCommerce keeps carts for 30 days.",
    CartIdInput,
    m.GetCartOutput,
    op.CART,
)
async def get_cart(client: BigCommerceClient, args: CartIdInput) -> Reply:
    out = m.GetCartOutput.model_validate(await client.call(op.CART, path={"cart_id": args.cart_id}))
    cart = out.cart
    lines = [
        f"{item.quantity} x {item.name or '?'}"
        + (
            f" (SKU {item.sku}, product #{item.product_id})"
            if item.sku
            else f" (product #{item.product_id})"
        )
        for item in cart.items
    ]
    head = (
        f"Cart {cart.id}"
        + (f" of customer #{cart.customer_id}" if cart.customer_id else " of a guest")
        + f": {plural(cart.item_count, 'item')}, {money(cart.cart_amount, cart.currency)}"
    )
    if cart.updated_time:
        head += f", last changed {cart.updated_time.date().isoformat()}"
    return Reply(out, listed(head, lines))
