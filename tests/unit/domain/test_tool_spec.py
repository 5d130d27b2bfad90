"""A loose tool cannot even be declared."""

from typing import Any

import pytest
from pydantic import BaseModel, ConfigDict

from shopmcp_domain.keys import Access
from shopmcp_domain.platforms import Platform
from shopmcp_domain.tools.registry import ToolRegistry
from shopmcp_domain.tools.spec import HttpMethod, ToolAnnotations, ToolSpec, UpstreamOperation
from shopmcp_domain.tools.whitelist import WriteWhitelist
from tests.factories import GetThingInput, ThingOutput, UpdateThingInput, read_spec, write_spec


class LooseInput(BaseModel):
    thing_id: int


class LooseWrite(BaseModel):
    model_config = ConfigDict(extra="forbid")
    thing_id: int
    password: str


def _spec(**overrides: Any) -> ToolSpec:
    base: dict[str, Any] = dict(
        name="shopify_get_thing",
        platform=Platform.SHOPIFY,
        access=Access.READ,
        title="t",
        description="d",
        input_model=GetThingInput,
        output_model=ThingOutput,
        operation=UpstreamOperation(HttpMethod.GET, "/things/{thing_id}"),
        annotations=ToolAnnotations.read(),
    )
    return ToolSpec(**{**base, **overrides})


@pytest.mark.parametrize(
    ("overrides", "problem"),
    [
        ({"input_model": LooseInput}, "forbid extra"),
        ({"name": "get_thing"}, "must start with 'shopify_'"),
        ({"name": "shopify_Get"}, "snake_case"),
        ({"description": " "}, "description"),
        (
            {"annotations": ToolAnnotations(False, False, True)},
            "readOnlyHint=true",
        ),
        ({"operation": UpstreamOperation(HttpMethod.DELETE, "/x")}, "read tools use GET"),
        ({"access": Access.WRITE, "input_model": UpdateThingInput}, "readOnlyHint=false"),
        (
            {
                "access": Access.WRITE,
                "annotations": ToolAnnotations(False, False, True),
                "input_model": UpdateThingInput,
                "whitelist": WriteWhitelist(frozenset({"title"}), frozenset({"thing_id"})),
            },
            "exactly the input model's fields",
        ),
        (
            {
                "access": Access.WRITE,
                "annotations": ToolAnnotations(False, False, True),
                "input_model": LooseWrite,
                "whitelist": WriteWhitelist(frozenset({"password"}), frozenset({"thing_id"})),
            },
            "forbidden fields",
        ),
    ],
)
def test_invalid_specs_are_refused(overrides: dict[str, Any], problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        _spec(**overrides)


@pytest.mark.parametrize("path", ["https://evil.example/x", "/x?y=1", "x"])
def test_operations_are_bare_path_templates(path: str) -> None:
    with pytest.raises(ValueError):
        UpstreamOperation(HttpMethod.GET, path)


def test_registry_refuses_duplicate_names() -> None:
    with pytest.raises(ValueError, match="duplicate"):
        ToolRegistry([read_spec(Platform.SHOPIFY), read_spec(Platform.SHOPIFY)])
    ok = ToolRegistry([read_spec(Platform.SHOPIFY), write_spec(Platform.SHOPIFY)])
    assert list(ok) == ["shopify_get_thing", "shopify_update_thing"]


def test_schemas_come_from_the_pydantic_models() -> None:
    spec = read_spec(Platform.SHOPIFY)
    schema = spec.input_schema()
    assert schema["additionalProperties"] is False
    assert schema["properties"]["thing_id"]["minimum"] == 1
    assert spec.output_schema()["required"] == ["thing_id", "title"]
