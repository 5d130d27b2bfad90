"""The customer tools: customers, their order history, and customer groups."""

from __future__ import annotations

from shopmcp_adapters.upstreams.magento.client import MagentoClient
from shopmcp_adapters.upstreams.magento.inputs.customers import (
    GetCustomerGroupInput,
    GetCustomerInput,
    ListCustomerGroupsInput,
    SearchCustomersInput,
)
from shopmcp_adapters.upstreams.magento.operations import (
    CUSTOMER_GET,
    CUSTOMER_GROUP_GET,
    CUSTOMER_GROUPS_SEARCH,
    CUSTOMERS_SEARCH,
    ORDERS_SEARCH,
)
from shopmcp_adapters.upstreams.magento.outputs.customers import (
    CustomerDetail,
    CustomerGroup,
    CustomerGroupListOutput,
    CustomerOrderSummary,
    CustomerSearchOutput,
    CustomerSummary,
    RecentOrder,
)
from shopmcp_adapters.upstreams.magento.parsing import full_name
from shopmcp_adapters.upstreams.magento.search import (
    Direction,
    FilterGroup,
    SearchCriteria,
    SearchField,
    SearchResults,
    contains,
    created_between,
    equals,
)
from shopmcp_adapters.upstreams.magento.tools.table import money, page_text, paging, tools
from shopmcp_adapters.upstreams.module import Reply

# magento_get_customer_order_summary reads one page of this many orders, newest first.
SUMMARY_ORDERS = 10


@tools.read(
    "magento_search_customers",
    "Search Magento customers",
    "Find customers by exact e-mail, by text in first or last name, or by account "
    "creation date range; paged (page_size at most 100).",
    SearchCustomersInput,
    CustomerSearchOutput,
    CUSTOMERS_SEARCH,
)
async def search_customers(client: MagentoClient, args: SearchCustomersInput) -> Reply:
    criteria = _customers_query(args)
    found = SearchResults[CustomerSummary].model_validate(
        await client.get(CUSTOMERS_SEARCH, criteria=criteria)
    )
    result = CustomerSearchOutput(customers=found.items, paging=paging(found, criteria))
    return Reply(result, _customers_text(result))


def _customers_query(args: SearchCustomersInput) -> SearchCriteria:
    groups: list[FilterGroup] = []
    if args.email:
        groups.append(equals(SearchField.EMAIL, args.email))
    if args.name_contains:
        groups.append(contains(args.name_contains, SearchField.FIRSTNAME, SearchField.LASTNAME))
    groups += created_between(args.created_from, args.created_to)
    return SearchCriteria(
        groups=groups,
        page_size=args.page_size,
        current_page=args.page,
        sort=[(SearchField.ENTITY_ID, Direction.ASC)],
    )


def _customer_line(c: CustomerSummary) -> str:
    return f"{c.id} {full_name(c.firstname, c.lastname)} <{c.email}>"


def _customers_text(result: CustomerSearchOutput) -> str:
    shown = ", ".join(_customer_line(c) for c in result.customers[:10])
    return page_text("customer(s)", result.paging, len(result.customers), shown)


@tools.read(
    "magento_get_customer",
    "Get a Magento customer",
    "One customer by id: name, e-mail, date of birth, store and addresses. For their "
    "orders use magento_get_customer_order_summary (or magento_search_orders with "
    "customer_id).",
    GetCustomerInput,
    CustomerDetail,
    CUSTOMER_GET,
)
async def get_customer(client: MagentoClient, args: GetCustomerInput) -> Reply:
    result = CustomerDetail.model_validate(
        await client.get(CUSTOMER_GET, {"customer_id": args.customer_id})
    )
    return Reply(result, _customer_text(result))


def _customer_text(result: CustomerDetail) -> str:
    return f"Customer {_customer_line(result.customer)}, {len(result.addresses)} address(es)."


@tools.read(
    "magento_get_customer_order_summary",
    "A Magento customer's order history summary",
    f"How many orders one customer (by id) has placed in total, and their {SUMMARY_ORDERS} "
    "newest orders (number, status, grand total, date). The count per status covers only "
    f"those {SUMMARY_ORDERS} newest orders (history_complete says whether that is all of "
    "them); for older orders use magento_search_orders with customer_id. Guest orders "
    "placed with the customer's e-mail are not counted; use magento_search_orders with "
    "customer_email for those.",
    GetCustomerInput,
    CustomerOrderSummary,
    ORDERS_SEARCH,
)
async def get_customer_order_summary(client: MagentoClient, args: GetCustomerInput) -> Reply:
    criteria = SearchCriteria(
        groups=[equals(SearchField.CUSTOMER_ID, args.customer_id)],
        page_size=SUMMARY_ORDERS,
        sort=[(SearchField.CREATED_AT, Direction.DESC)],
    )
    found = SearchResults[RecentOrder].model_validate(
        await client.get(ORDERS_SEARCH, criteria=criteria)
    )
    # An upstream that ignores pageSize is cut to the page.
    newest = found.items[:SUMMARY_ORDERS]
    result = CustomerOrderSummary.of(args.customer_id, found.total_count, newest)
    return Reply(result, _order_summary_text(result))


def _order_summary_text(result: CustomerOrderSummary) -> str:
    text = f"Customer {result.customer_id} has {result.order_count} order(s)"
    if result.recent_orders:
        latest = result.recent_orders[0]
        scope = "" if result.history_complete else f" of the {len(result.recent_orders)} newest"
        by_status = ", ".join(f"{s.count} {s.status}" for s in result.recent_by_status)
        text += (
            f"; latest #{latest.increment_id} on {latest.created_at} "
            f"({money(latest.grand_total, latest.currency)}); by status{scope}: {by_status}"
        )
    return text + "."


# --------------------------------------------------------------------------- customer groups


@tools.read(
    "magento_list_customer_groups",
    "List Magento customer groups",
    "The customer groups (NOT LOGGED IN, General, Wholesale, Retailer and the store's own, "
    "such as VIP) with their ids and tax classes; paged (page_size at most 100). A cart "
    "price rule names the groups it applies to by these ids.",
    ListCustomerGroupsInput,
    CustomerGroupListOutput,
    CUSTOMER_GROUPS_SEARCH,
)
async def list_customer_groups(client: MagentoClient, args: ListCustomerGroupsInput) -> Reply:
    criteria = SearchCriteria(
        page_size=args.page_size,
        current_page=args.page,
        sort=[(SearchField.ID, Direction.ASC)],
    )
    found = SearchResults[CustomerGroup].model_validate(
        await client.get(CUSTOMER_GROUPS_SEARCH, criteria=criteria)
    )
    result = CustomerGroupListOutput(groups=found.items, paging=paging(found, criteria))
    shown = ", ".join(f"id {g.id} {g.code}" for g in result.groups[:30])
    return Reply(result, page_text("customer group(s)", result.paging, len(result.groups), shown))


@tools.read(
    "magento_get_customer_group",
    "Get a Magento customer group",
    "One customer group by its id (0 is NOT LOGGED IN): code and tax class.",
    GetCustomerGroupInput,
    CustomerGroup,
    CUSTOMER_GROUP_GET,
)
async def get_customer_group(client: MagentoClient, args: GetCustomerGroupInput) -> Reply:
    group = CustomerGroup.model_validate(
        await client.get(CUSTOMER_GROUP_GET, {"group_id": args.group_id})
    )
    return Reply(
        group,
        f"Customer group id {group.id} {group.code} (tax class {group.tax_class_name or '?'}).",
    )
