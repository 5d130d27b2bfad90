"""Driving the web pages as a browser without script would: follow links, read the CSRF token
from the page, post forms; plus a strict reading of a page's accessibility essentials."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

import attrs
import httpx2

from tests.unit.api.harness import Api

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(page: httpx2.Response) -> str:
    found = _CSRF.search(page.text)
    assert found is not None, "the page has no form with a CSRF token"
    return found.group(1)


@attrs.define
class Browser:
    """One browser: its own cookie jar, on the app the ``Api`` serves."""

    api: Api
    http: httpx2.AsyncClient

    async def get(self, path: str, **kwargs: Any) -> httpx2.Response:
        return await self.http.get(path, **kwargs)

    async def post(
        self, path: str, form: dict[str, Any] | None = None, *, csrf: str | None = None
    ) -> httpx2.Response:
        """A form post; ``csrf`` defaults to the token of the signed-in page."""
        data = dict(form or {})
        if csrf is None:
            csrf = csrf_of(await self.get("/workspaces"))
        if csrf:
            data["csrf_token"] = csrf
        return await self.http.post(path, data=data)

    async def sign_in(self, email: str) -> None:
        start = await self.get("/sign-in")
        token = csrf_of(start)
        sent = await self.http.post("/sign-in", data={"email": email, "csrf_token": token})
        assert sent.status_code == 303, sent.text
        done = await self.http.post(
            "/sign-in/code",
            data={"email": email, "code": self.api.last_code(email), "csrf_token": token},
        )
        assert done.status_code == 303, done.text
        assert done.headers["location"] == "/workspaces"

    async def create_workspace(self, name: str = "Acme") -> str:
        made = await self.post("/workspaces", {"name": name})
        assert made.status_code == 303, made.text
        found = re.search(r"/workspaces/([0-9a-f-]{36})/", made.headers["location"])
        assert found is not None
        return found.group(1)


class _Outline(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.lang = ""
        self.h1 = 0
        self.main = 0
        self.ids: list[str] = []
        self.labels: set[str] = set()
        self.controls: list[dict[str, str]] = []
        self.described: list[str] = []
        self.buttons_without_text = 0
        self._button_text: list[str] | None = None
        self._button_label = ""

    def handle_starttag(self, tag: str, attributes: list[tuple[str, str | None]]) -> None:
        attrs_ = {k: v or "" for k, v in attributes}
        if "id" in attrs_:
            self.ids.append(attrs_["id"])
        if "aria-describedby" in attrs_:
            self.described += attrs_["aria-describedby"].split()
        if tag == "html":
            self.lang = attrs_.get("lang", "")
        elif tag == "h1":
            self.h1 += 1
        elif tag == "main":
            self.main += 1
        elif tag == "label" and "for" in attrs_:
            self.labels.add(attrs_["for"])
        elif tag in ("input", "select", "textarea") and attrs_.get("type") != "hidden":
            self.controls.append(attrs_)
        elif tag == "button":
            self._button_text = []
            self._button_label = attrs_.get("aria-label", "")

    def handle_data(self, data: str) -> None:
        if self._button_text is not None:
            self._button_text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "button" and self._button_text is not None:
            if not "".join(self._button_text).strip() and not self._button_label:
                self.buttons_without_text += 1
            self._button_text = None


def assert_accessible(page: httpx2.Response) -> None:
    """The essentials a screen-reader user needs, on every page: a language, one main
    landmark, one h1, every control labelled, unique ids, and every aria-describedby naming
    an element that exists."""
    outline = _Outline()
    outline.feed(page.text)
    assert outline.lang == "en"
    assert outline.main == 1
    assert outline.h1 == 1
    assert len(outline.ids) == len(set(outline.ids)), "duplicate ids"
    for control in outline.controls:
        assert control.get("id") in outline.labels, f"unlabelled control {control}"
    assert set(outline.described) <= set(outline.ids), "aria-describedby names no element"
    assert outline.buttons_without_text == 0
