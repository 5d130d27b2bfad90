"""The invoice tools: list and read invoices, and invoice an order."""

from __future__ import annotations

from shopmcp_adapters.upstreams.magento.client import MagentoClient
from shopmcp_adapters.upstreams.magento.inputs.sales import (
    INVOICE_STATE_CODES,
    CreateInvoiceInput,
    GetInvoiceInput,
    ListInvoicesInput,
)
from shopmcp_adapters.upstreams.magento.operations import (
    INVOICE_CREATE,
    INVOICE_GET,
    INVOICES_SEARCH,
)
from shopmcp_adapters.upstreams.magento.outputs.sales import (
    DocumentCreated,
    Invoice,
    InvoiceDetail,
    InvoiceListOutput,
)
from shopmcp_adapters.upstreams.magento.parsing import CREATED_ID
from shopmcp_adapters.upstreams.magento.search import (
    Direction,
    FilterGroup,
    SearchCriteria,
    SearchField,
    SearchResults,
    created_between,
    equals,
)
from shopmcp_adapters.upstreams.magento.tools.documents import (
    CREATES,
    NOTE_FIELDS,
    comments_count,
    creation_body,
)
from shopmcp_adapters.upstreams.magento.tools.table import money, page_text, paging, tools
from shopmcp_adapters.upstreams.module import Reply
from shopmcp_domain.tools.whitelist import WriteWhitelist


@tools.read(
    "magento_list_invoices",
    "List Magento invoices",
    "Invoices, newest first, optionally of one order (entity_id), in a state (open, paid, "
    "canceled) or created in a date range (UTC days, inclusive); paged (page_size at most "
    "100). Each invoice's id is what magento_get_invoice and magento_refund_invoice take.",
    ListInvoicesInput,
    InvoiceListOutput,
    INVOICES_SEARCH,
)
async def list_invoices(client: MagentoClient, args: ListInvoicesInput) -> Reply:
    groups: list[FilterGroup] = []
    if args.order_id:
        groups.append(equals(SearchField.ORDER_ID, args.order_id))
    if args.state:
        groups.append(equals(SearchField.STATE, INVOICE_STATE_CODES[args.state]))
    groups += created_between(args.created_from, args.created_to)
    criteria = SearchCriteria(
        groups=groups,
        page_size=args.page_size,
        current_page=args.page,
        sort=[(SearchField.CREATED_AT, Direction.DESC)],
    )
    found = SearchResults[Invoice].model_validate(
        await client.get(INVOICES_SEARCH, criteria=criteria)
    )
    result = InvoiceListOutput(invoices=found.items, paging=paging(found, criteria))
    shown = ", ".join(_invoice_line(i) for i in result.invoices[:10])
    return Reply(result, page_text("invoice(s)", result.paging, len(result.invoices), shown))


def _invoice_line(invoice: Invoice) -> str:
    return (
        f"id {invoice.entity_id} #{invoice.increment_id} order {invoice.order_id} "
        f"{invoice.state or 'unknown state'} {money(invoice.grand_total, invoice.currency)}"
    )


@tools.read(
    "magento_get_invoice",
    "Get a Magento invoice",
    "One invoice by its id: state, totals, invoiced lines and comments.",
    GetInvoiceInput,
    InvoiceDetail,
    INVOICE_GET,
)
async def get_invoice(client: MagentoClient, args: GetInvoiceInput) -> Reply:
    result = InvoiceDetail.model_validate(
        await client.get(INVOICE_GET, {"invoice_id": args.invoice_id})
    )
    invoice = result.invoice
    return Reply(
        result,
        f"Invoice {_invoice_line(invoice)}, {len(invoice.items)} line(s)"
        f"{comments_count(result.comments)}.",
    )


@tools.write(
    "magento_create_invoice",
    "Invoice a Magento order",
    "Creates an invoice for one order (by entity_id): the lines and quantities given "
    "(order_item_id from magento_get_order), or everything not yet invoiced. With "
    "capture_online the payment gateway charges the customer; otherwise the invoice is "
    "recorded without a gateway call. Optionally e-mails the customer, with a comment.",
    CreateInvoiceInput,
    DocumentCreated,
    INVOICE_CREATE,
    whitelist=WriteWhitelist(
        writable=frozenset({"items", "capture_online"}) | NOTE_FIELDS,
        locators=frozenset({"order_id"}),
    ),
    annotations=CREATES,
)
async def create_invoice(client: MagentoClient, args: CreateInvoiceInput) -> Reply:
    body = {"capture": args.capture_online, **creation_body(args.items, args)}
    invoice_id = CREATED_ID.validate_python(
        await client.post(INVOICE_CREATE, {"order_id": args.order_id}, body)
    )
    result = DocumentCreated(document="invoice", document_id=invoice_id, order_id=args.order_id)
    return Reply(
        result,
        f"Invoice id {invoice_id} created for order {args.order_id}"
        + (" (payment captured online)." if args.capture_online else "."),
    )
