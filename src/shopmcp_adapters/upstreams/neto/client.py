"""A thin Neto (Maropost Commerce Cloud) client on the shared :class:`UpstreamHttp` policy.

Neto has one endpoint per store, ``POST https://<store>/do/WS/NetoAPI``; the action is the
``NETOAPI_ACTION`` header and the request body is JSON (``{"Filter": {...}}`` for reads).
TLS, timeouts, retries, the SSRF host guard and 4xx/5xx mapping live in ``upstreams/http.py``.

- The store address is ``Connection.store_ref``: a merchant-supplied https URL, so SSRF input.
  :meth:`StoreAddress.parse` accepts ``https://host[:port]`` (optionally with the endpoint path
  ``/do/WS/NetoAPI`` pasted after it) and nothing else: no credentials, query, fragment or
  other path. The host guard refuses non-public addresses when connecting.
- Auth: ``NETOAPI_USERNAME`` (the credential's ``username``) and ``NETOAPI_KEY`` (its
  ``api_key``), with ``Accept: application/json`` (otherwise Neto answers XML).
- Neto reports errors with HTTP 200 and ``"Ack": "Error"``; :func:`read_answer` turns those
  into an :class:`UpstreamError` with Neto's messages, and keeps the messages of
  ``"Ack": "Warning"`` (the data is still there) for the tool's text. A rate-limited account
  gets HTTP 429 (500 requests a minute), mapped by the shared policy.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Annotated, Any, Literal

import attrs
import httpx
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from shopmcp_adapters.upstreams.http import UpstreamHttp, default_message, redact_sent_credentials
from shopmcp_domain.errors import (
    ConnectionUnavailable,
    UpstreamError,
)
from shopmcp_domain.platforms import Platform
from shopmcp_domain.ports import CredentialLease
from shopmcp_domain.tools.spec import HttpMethod, UpstreamOperation

PLATFORM = Platform.NETO.value
API_PATH = "/do/WS/NetoAPI"
ACTION_HEADER = "NETOAPI_ACTION"
USERNAME_HEADER = "NETOAPI_USERNAME"
KEY_HEADER = "NETOAPI_KEY"
# Neto's own 200-with-Ack=Error messages, at most this many, each cut to this length.
MAX_MESSAGES = 5
MAX_MESSAGE_CHARS = 200

_ACTION_RE = re.compile(r"^[A-Z][A-Za-z]{2,40}$")
_DOT_SEGMENT_RE = re.compile(r"(^|/)\.{1,2}(/|$)")


def neto_operation(action: str) -> UpstreamOperation:
    """The one endpoint, named by the action (sent as ``NETOAPI_ACTION``)."""
    if not _ACTION_RE.fullmatch(action):
        raise ValueError(f"{action!r} is not a Neto action name")
    return UpstreamOperation(HttpMethod.POST, API_PATH, document=action)


# --------------------------------------------------------------------------- the store address


class InvalidStoreAddress(ValueError):
    pass


@attrs.frozen
class StoreAddress:
    """``origin`` is ``https://host[:port]``, host lower-cased."""

    origin: str

    @classmethod
    def parse(cls, store_ref: str) -> StoreAddress:
        try:
            url = httpx.URL(store_ref)
        except (httpx.InvalidURL, TypeError) as error:
            raise InvalidStoreAddress("not a URL") from error
        if url.scheme != "https":
            raise InvalidStoreAddress("the store URL must use https")
        if not url.host or url.userinfo or "@" in store_ref:
            raise InvalidStoreAddress("the store URL needs a host and no credentials")
        if url.query or url.fragment or "?" in store_ref or "#" in store_ref:
            raise InvalidStoreAddress("the store URL takes no query or fragment")
        if (
            "\\" in store_ref
            or "%" in store_ref
            or _DOT_SEGMENT_RE.search(store_ref.split("://", 1)[-1])
        ):
            raise InvalidStoreAddress("the store URL must be plain")
        path = url.raw_path.decode("ascii").rstrip("/")
        if path not in ("", API_PATH):
            raise InvalidStoreAddress(f"the store URL takes no path (other than {API_PATH})")
        port = f":{url.port}" if url.port is not None else ""
        host = f"[{url.host}]" if ":" in url.host else url.host
        return cls(origin=f"https://{host}{port}")

    @property
    def endpoint(self) -> str:
        return f"{self.origin}{API_PATH}"


def normalise_store_ref(ref: str) -> str:
    return StoreAddress.parse(ref.strip()).origin


# --------------------------------------------------------------------------- Neto's envelope


def _one_or_many(value: Any) -> Any:
    if value is None or value == "":
        return []
    return [value] if isinstance(value, Mapping) else value


class _Message(BaseModel):
    model_config = ConfigDict(extra="ignore")

    message: str | None = Field(default=None, validation_alias="Message")
    description: str | None = Field(default=None, validation_alias="Description")

    def text(self) -> str:
        parts = [p.strip() for p in (self.message, self.description) if p and p.strip()]
        return ": ".join(dict.fromkeys(parts))[:MAX_MESSAGE_CHARS]


_Messages = Annotated[list[_Message], BeforeValidator(_one_or_many)]


class _MessageGroups(BaseModel):
    model_config = ConfigDict(extra="ignore")

    errors: _Messages = Field(default_factory=list, validation_alias="Error")
    warnings: _Messages = Field(default_factory=list, validation_alias="Warning")


def _no_messages(value: Any) -> Any:
    return {} if value is None or value == "" else value


class Envelope(BaseModel):
    """What every Neto answer carries beside its data: ``Ack`` and ``Messages``."""

    model_config = ConfigDict(extra="ignore")

    ack: Literal["Success", "Warning", "Error"] = Field(validation_alias="Ack")
    messages: Annotated[_MessageGroups, BeforeValidator(_no_messages)] = Field(
        default_factory=_MessageGroups, validation_alias="Messages"
    )


def _texts(messages: Sequence[_Message]) -> tuple[str, ...]:
    texts = (m.text() for m in messages[:MAX_MESSAGES])
    return tuple(t for t in texts if t)


@attrs.frozen
class NetoAnswer:
    """A successful answer: Neto's object and the warnings it came with."""

    data: Mapping[str, Any]
    warnings: tuple[str, ...] = ()

    def warning_text(self) -> str:
        if not self.warnings:
            return ""
        return " Neto warned: " + "; ".join(self.warnings) + "."


def read_answer(response: httpx.Response) -> NetoAnswer:
    """The 2xx body as a :class:`NetoAnswer`, or the :class:`UpstreamError` an ``Ack: Error``
    means. A body of another shape fails validation (an invalid response)."""
    body = UpstreamHttp.json_body(PLATFORM, response)
    envelope = Envelope.model_validate(body)  # a non-object body fails here too
    if envelope.ack == "Error":
        text = "; ".join(_texts(envelope.messages.errors)) or "the request was refused (Ack=Error)"
        raise UpstreamError(PLATFORM, response.status_code, redact_sent_credentials(text, response))
    warnings = tuple(
        redact_sent_credentials(w, response) for w in _texts(envelope.messages.warnings)
    )
    return NetoAnswer(data=body, warnings=warnings)


def error_message(response: httpx.Response) -> str:
    """A 4xx body's text: Neto's ``Messages.Error`` when it sent its envelope, else the
    generic reading."""
    try:
        body = response.json()
    except ValueError:
        return default_message(response)
    if isinstance(body, Mapping) and isinstance(body.get("Messages"), Mapping):
        try:
            groups = _MessageGroups.model_validate(body["Messages"])
        except ValueError:
            return default_message(response)
        texts = _texts(groups.errors)
        if texts:
            return "; ".join(texts)
    return default_message(response)


def neto_http(http: UpstreamHttp) -> UpstreamHttp:
    """The shared policy with Neto's platform name and error-body reader."""
    return attrs.evolve(http, platform=PLATFORM, message=error_message)


# --------------------------------------------------------------------------- the client


@attrs.define
class NetoClient:
    """One connection's client for one request. Holds the credential lease, not the key."""

    http: UpstreamHttp
    address: StoreAddress
    credentials: CredentialLease = attrs.field(repr=False)

    async def read(self, operation: UpstreamOperation, body: Mapping[str, Any]) -> NetoAnswer:
        """A Get* action: retried by the policy like any read (it changes nothing)."""
        return await self._send(operation, body, idempotent=True)

    async def write(self, operation: UpstreamOperation, body: Mapping[str, Any]) -> NetoAnswer:
        # A write is not retried: a 5xx may still have been applied.
        return await self._send(operation, body, idempotent=False)

    async def _send(
        self, operation: UpstreamOperation, body: Mapping[str, Any], *, idempotent: bool
    ) -> NetoAnswer:
        if operation.method is not HttpMethod.POST or operation.path != API_PATH:
            raise ValueError(f"{operation.key} is not a Neto action")
        action = operation.document or ""
        if not _ACTION_RE.fullmatch(action):
            raise ValueError(f"{operation.key} names no Neto action")
        response = await self.http.request(
            "POST",
            self.address.endpoint,
            idempotent=idempotent,
            json=dict(body),
            headers={ACTION_HEADER: action, **await self._auth_headers()},
        )
        return read_answer(response)

    async def _auth_headers(self) -> dict[str, str]:
        payload = await self.credentials.current()
        username, key = payload.get("username"), payload.get("api_key")
        if not username or not key:
            raise ConnectionUnavailable(
                PLATFORM, "the stored credential lacks the username or the API key"
            )
        return {
            USERNAME_HEADER: username,
            KEY_HEADER: key,
            "Accept": "application/json",
            "Content-Type": "application/json",
        }
