"""Outputs of the catalog tools: products, their variants, and categories."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Annotated, Any

from pydantic import (
    AliasPath,
    BeforeValidator,
    Field,
    TypeAdapter,
    model_validator,
)

from shopmcp_adapters.upstreams.magento.outputs.common import Paging
from shopmcp_adapters.upstreams.magento.parsing import (
    Amount,
    Flag,
    NullableList,
    Output,
    StatusCode,
    Text,
    Upstream,
    VisibilityCode,
    custom_attributes_by_code,
    derive,
    nest,
)


class ProductSummary(Output):
    id: int | None = None
    sku: str
    name: str | None = None
    type_id: str | None = None
    status: StatusCode = None
    visibility: VisibilityCode = None
    price: Amount = None
    updated_at: str | None = None


class ProductSearchOutput(Output):
    products: list[ProductSummary]
    paging: Paging


class _OptionValue(Upstream):
    value_index: int


_OPTION_VALUES = TypeAdapter(NullableList[_OptionValue])


def _id_text(value: Any) -> Any:
    return str(value) if value else None


class ConfigurableOption(Output):
    attribute_id: Annotated[str | None, BeforeValidator(_id_text)] = None
    label: str | None = None
    value_indexes: list[int]

    @model_validator(mode="before")
    @classmethod
    def _from_magento(cls, data: Any) -> Any:
        return derive(
            data,
            "value_indexes",
            lambda option: [
                v.value_index for v in _OPTION_VALUES.validate_python(option.get("values"))
            ],
        )


_CUSTOM = "custom_attributes"
_EXTENSION = "extension_attributes"
_STOCK = (_EXTENSION, "stock_item")


class ProductDetail(Output):
    product: ProductSummary
    special_price: Amount = Field(
        default=None, validation_alias=AliasPath(_CUSTOM, "special_price")
    )
    weight: Amount = None
    description: Text = Field(default=None, validation_alias=AliasPath(_CUSTOM, "description"))
    short_description: Text = Field(
        default=None, validation_alias=AliasPath(_CUSTOM, "short_description")
    )
    url_key: Text = Field(default=None, validation_alias=AliasPath(_CUSTOM, "url_key"))
    qty: Amount = Field(default=None, validation_alias=AliasPath(*_STOCK, "qty"))
    is_in_stock: bool | None = Field(
        default=None, validation_alias=AliasPath(*_STOCK, "is_in_stock")
    )
    website_ids: NullableList[int] = Field(
        default_factory=list, validation_alias=AliasPath(_EXTENSION, "website_ids")
    )
    configurable_options: NullableList[ConfigurableOption] = Field(
        default_factory=list,
        validation_alias=AliasPath(_EXTENSION, "configurable_product_options"),
    )
    child_product_ids: NullableList[int] = Field(
        default_factory=list, validation_alias=AliasPath(_EXTENSION, "configurable_product_links")
    )

    @model_validator(mode="before")
    @classmethod
    def _from_magento(cls, data: Any) -> Any:
        return nest(custom_attributes_by_code(data), "product")


# Attributes too long or too wordy to identify a variant by.
_CHILD_ATTRIBUTE_SKIP = ("description", "short_description", "meta_", "url_", "options_")
_CHILD_ATTRIBUTES = 20


def _short_attributes(value: Any) -> Any:
    """A variant's identifying attributes (color, size option ids): short text values only."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        return value
    short = [
        (code, text)
        for code, text in value.items()
        if isinstance(text, str) and len(text) <= 64 and not code.startswith(_CHILD_ATTRIBUTE_SKIP)
    ]
    return dict(short[:_CHILD_ATTRIBUTES])


class ProductChild(Output):
    product: ProductSummary
    attributes: Annotated[dict[str, str], BeforeValidator(_short_attributes)] = Field(
        default_factory=dict, validation_alias=_CUSTOM
    )

    @model_validator(mode="before")
    @classmethod
    def _from_magento(cls, data: Any) -> Any:
        return nest(custom_attributes_by_code(data), "product")


class ProductChildrenOutput(Output):
    parent_sku: str
    children: list[ProductChild]


# --------------------------------------------------------------------------- categories

# magento_list_categories reports at most this many categories of the tree.
MAX_CATEGORIES = 500
# magento_list_category_products reports at most this many products of a category.
MAX_CATEGORY_PRODUCTS = 500


class CategoryNode(Output):
    id: int
    parent_id: int | None = None
    name: Text = None
    level: int | None = None
    position: int | None = None
    is_active: Flag = None
    product_count: int | None = None


class _TreeNode(Upstream):
    """``GET /V1/categories`` answers the tree: each node with its ``children_data``."""

    node: CategoryNode
    children_data: NullableList[_TreeNode] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _from_magento(cls, data: Any) -> Any:
        return nest(data, "node")


def _flatten(root: _TreeNode) -> list[CategoryNode]:
    """Depth-first, parents before their children, in Magento's order."""
    out: list[CategoryNode] = []
    stack = [root]
    while stack:
        tree = stack.pop()
        out.append(tree.node)
        stack.extend(reversed(tree.children_data))
    return out


class CategoryTreeOutput(Output):
    root_category_id: int
    categories: list[CategoryNode] = Field(
        description="Depth-first, each parent before its children"
    )
    truncated: bool = Field(description=f"More than {MAX_CATEGORIES} categories: the rest left out")

    @model_validator(mode="before")
    @classmethod
    def _from_magento(cls, data: Any) -> Any:
        if isinstance(data, Mapping) and "children_data" in data:
            nodes = _flatten(_TreeNode.model_validate(data))
            return {
                "root_category_id": nodes[0].id,
                "categories": nodes[:MAX_CATEGORIES],
                "truncated": len(nodes) > MAX_CATEGORIES,
            }
        return data


def _child_ids(value: Any) -> Any:
    # The category interface lists its children as one comma-separated string of ids.
    if isinstance(value, str):
        return [int(part) for part in value.split(",") if part.strip()]
    return [] if value is None else value


class CategoryDetail(Output):
    category: CategoryNode
    path: Text = Field(default=None, description="Ids from the root, separated by /")
    include_in_menu: Flag = None
    children_ids: Annotated[list[int], BeforeValidator(_child_ids)] = Field(
        default_factory=list, validation_alias="children"
    )
    url_key: Text = Field(default=None, validation_alias=AliasPath(_CUSTOM, "url_key"))
    description: Text = Field(default=None, validation_alias=AliasPath(_CUSTOM, "description"))
    created_at: Text = None
    updated_at: Text = None

    @model_validator(mode="before")
    @classmethod
    def _from_magento(cls, data: Any) -> Any:
        return nest(custom_attributes_by_code(data), "category")


class CategoryProduct(Output):
    sku: str
    position: int | None = None


class CategoryProductsOutput(Output):
    category_id: int
    products: list[CategoryProduct]
    total_count: int
    truncated: bool = Field(
        description=f"More than {MAX_CATEGORY_PRODUCTS} products: the rest left out"
    )

    @classmethod
    def of(cls, category_id: int, links: Sequence[CategoryProduct]) -> CategoryProductsOutput:
        return cls(
            category_id=category_id,
            products=list(links[:MAX_CATEGORY_PRODUCTS]),
            total_count=len(links),
            truncated=len(links) > MAX_CATEGORY_PRODUCTS,
        )
