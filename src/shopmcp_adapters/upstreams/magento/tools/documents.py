"""What the invoice, shipment and refund tools share: the request body parts every document
creation takes (lines, notification, comment) and the texts of a document's lines."""

from __future__ import annotations

from typing import Any

from shopmcp_adapters.upstreams.magento.inputs.common import LineQuantity
from shopmcp_adapters.upstreams.magento.inputs.sales import DocumentNote
from shopmcp_adapters.upstreams.magento.outputs.common import DocumentComment
from shopmcp_domain.tools.spec import ToolAnnotations

# Creating a document adds it (an invoice, a shipment): nothing is overwritten. A repeat is not
# refused as a duplicate; it creates another document for whatever is left on the order.
CREATES = ToolAnnotations(read_only_hint=False, destructive_hint=False, idempotent_hint=False)
# A refund moves money back and changes the order's totals for good; a repeat refunds again.
REFUNDS = ToolAnnotations(read_only_hint=False, destructive_hint=True, idempotent_hint=False)
NOTE_FIELDS = frozenset({"notify_customer", "comment", "comment_visible_on_storefront"})


def creation_body(items: list[LineQuantity] | None, note: DocumentNote) -> dict[str, Any]:
    """The body parts of ``POST /V1/order/{id}/invoice|ship|refund``: built from the whitelisted
    input only. No ``items`` covers everything left on the order."""
    body: dict[str, Any] = {"notify": note.notify_customer}
    if items is not None:
        body["items"] = [{"order_item_id": i.order_item_id, "qty": i.qty} for i in items]
    if note.comment is not None:
        # Magento keeps the comment on the document either way; appendComment puts it in the
        # e-mail, which only goes out with notify.
        body["appendComment"] = note.notify_customer
        body["comment"] = {
            "comment": note.comment,
            "is_visible_on_front": int(note.comment_visible_on_storefront),
        }
    return body


def comments_count(comments: list[DocumentComment]) -> str:
    return f", {len(comments)} comment(s)" if comments else ""
