"""The shipment tools: list and read shipments, ship an order with its tracking numbers, and
add a tracking number to a shipment."""

from __future__ import annotations

from typing import Any

from shopmcp_adapters.upstreams.magento.client import MagentoClient
from shopmcp_adapters.upstreams.magento.inputs.sales import (
    AddShipmentTrackInput,
    CreateShipmentInput,
    GetShipmentInput,
    ListShipmentsInput,
)
from shopmcp_adapters.upstreams.magento.operations import (
    SHIPMENT_CREATE,
    SHIPMENT_GET,
    SHIPMENT_TRACK_ADD,
    SHIPMENTS_SEARCH,
)
from shopmcp_adapters.upstreams.magento.outputs.sales import (
    DocumentCreated,
    Shipment,
    ShipmentDetail,
    ShipmentListOutput,
    TrackAdded,
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
from shopmcp_adapters.upstreams.magento.tools.table import page_text, paging, tools
from shopmcp_adapters.upstreams.module import Reply
from shopmcp_domain.tools.whitelist import WriteWhitelist


@tools.read(
    "magento_list_shipments",
    "List Magento shipments",
    "Shipments, newest first, optionally of one order (entity_id) or created in a date range "
    "(UTC days, inclusive), with their shipped lines and tracking numbers; paged (page_size "
    "at most 100). Each shipment's id is what magento_get_shipment and "
    "magento_add_shipment_track take.",
    ListShipmentsInput,
    ShipmentListOutput,
    SHIPMENTS_SEARCH,
)
async def list_shipments(client: MagentoClient, args: ListShipmentsInput) -> Reply:
    groups: list[FilterGroup] = []
    if args.order_id:
        groups.append(equals(SearchField.ORDER_ID, args.order_id))
    groups += created_between(args.created_from, args.created_to)
    criteria = SearchCriteria(
        groups=groups,
        page_size=args.page_size,
        current_page=args.page,
        sort=[(SearchField.CREATED_AT, Direction.DESC)],
    )
    found = SearchResults[Shipment].model_validate(
        await client.get(SHIPMENTS_SEARCH, criteria=criteria)
    )
    result = ShipmentListOutput(shipments=found.items, paging=paging(found, criteria))
    shown = ", ".join(_shipment_line(s) for s in result.shipments[:10])
    return Reply(result, page_text("shipment(s)", result.paging, len(result.shipments), shown))


def _shipment_line(shipment: Shipment) -> str:
    tracking = " ".join(f"{t.carrier_code} {t.track_number}" for t in shipment.tracks[:3])
    return (
        f"id {shipment.entity_id} #{shipment.increment_id} order {shipment.order_id} "
        f"{shipment.total_qty:g} item(s)" + (f" tracking {tracking}" if tracking else "")
    )


@tools.read(
    "magento_get_shipment",
    "Get a Magento shipment",
    "One shipment by its id: shipped lines, tracking numbers, source and comments.",
    GetShipmentInput,
    ShipmentDetail,
    SHIPMENT_GET,
)
async def get_shipment(client: MagentoClient, args: GetShipmentInput) -> Reply:
    result = ShipmentDetail.model_validate(
        await client.get(SHIPMENT_GET, {"shipment_id": args.shipment_id})
    )
    return Reply(
        result, f"Shipment {_shipment_line(result.shipment)}{comments_count(result.comments)}."
    )


def _shipment_body(args: CreateShipmentInput) -> dict[str, Any]:
    body = creation_body(args.items, args)
    if args.tracks:
        body["tracks"] = [
            {"track_number": t.track_number, "title": t.title, "carrier_code": t.carrier_code}
            for t in args.tracks
        ]
    if args.source_code is not None:
        body["arguments"] = {"extension_attributes": {"source_code": args.source_code}}
    return body


@tools.write(
    "magento_create_shipment",
    "Ship a Magento order",
    "Creates a shipment for one order (by entity_id): the lines and quantities given "
    "(order_item_id from magento_get_order), or everything not yet shipped, with up to 10 "
    "tracking numbers and, in a multi-source store, the source shipped from. Optionally "
    "e-mails the customer, with a comment.",
    CreateShipmentInput,
    DocumentCreated,
    SHIPMENT_CREATE,
    whitelist=WriteWhitelist(
        writable=frozenset({"items", "tracks", "source_code"}) | NOTE_FIELDS,
        locators=frozenset({"order_id"}),
    ),
    annotations=CREATES,
)
async def create_shipment(client: MagentoClient, args: CreateShipmentInput) -> Reply:
    shipment_id = CREATED_ID.validate_python(
        await client.post(SHIPMENT_CREATE, {"order_id": args.order_id}, _shipment_body(args))
    )
    result = DocumentCreated(document="shipment", document_id=shipment_id, order_id=args.order_id)
    return Reply(
        result,
        f"Shipment id {shipment_id} created for order {args.order_id} with "
        f"{len(args.tracks)} tracking number(s).",
    )


@tools.write(
    "magento_add_shipment_track",
    "Add a tracking number to a Magento shipment",
    "Adds one tracking number (carrier code, carrier title, number) to an existing shipment "
    "(its id and its order's id, from magento_list_shipments).",
    AddShipmentTrackInput,
    TrackAdded,
    SHIPMENT_TRACK_ADD,
    whitelist=WriteWhitelist(
        writable=frozenset({"carrier_code", "title", "track_number"}),
        locators=frozenset({"shipment_id", "order_id"}),
    ),
    annotations=CREATES,
)
async def add_shipment_track(client: MagentoClient, args: AddShipmentTrackInput) -> Reply:
    body = {
        "entity": {
            "order_id": args.order_id,
            "parent_id": args.shipment_id,
            "track_number": args.track_number,
            "title": args.title,
            "carrier_code": args.carrier_code,
            # Required by the schema; a track added after shipping weighs and counts nothing.
            "weight": 0,
            "qty": 0,
            "description": "",
        }
    }
    result = TrackAdded.model_validate(await client.post(SHIPMENT_TRACK_ADD, {}, body))
    return Reply(
        result,
        f"Tracking {result.carrier_code} {result.track_number} added to shipment "
        f"{result.shipment_id} (track id {result.track_id}).",
    )
