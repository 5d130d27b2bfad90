"""A thin Magento 2 / Adobe Commerce REST client on the shared :class:`UpstreamHttp` policy.

It only turns a tool's declared operation plus validated values into one request and hands
the JSON back. TLS, timeouts, retries, the SSRF host guard and 4xx/5xx mapping live in
``upstreams/http.py``.

- The store address is ``Connection.store_ref``: a merchant-supplied https URL, so SSRF input.
  :meth:`StoreAddress.parse` accepts ``https://host[:port][/install/prefix][/rest/<store_code>]``
  only (no credentials, query or fragment, no dot segments); the host guard then refuses
  non-public addresses at request time.
- Requests go to ``{base}/rest[/<store_code>]/V1/...``. Writes (PUT and POST) always go to the
  ``all`` scope (``/rest/all/V1``): saving a product through a store-view code stores
  store-view-level overrides of the values (magento/magento2#9186), which is not what "update
  the product" means.
- A search's ``searchCriteria`` query comes from :class:`~.search.SearchCriteria`.
- Auth is chosen by the credential's fields: the integration's four OAuth 1.0a values sign every
  request (HMAC-SHA256, oauthlib); a lone ``access_token`` is sent as a bearer token, which a
  store accepts only when ``oauth/consumer/enable_integration_as_bearer`` is on.
"""

from __future__ import annotations

import re
from collections.abc import Generator, Mapping
from typing import Any
from urllib.parse import quote

import attrs
import httpx
from oauthlib import oauth1

from shopmcp_adapters.upstreams.http import UpstreamHttp, default_message
from shopmcp_adapters.upstreams.magento.search import SearchCriteria
from shopmcp_domain.errors import ConnectionUnavailable
from shopmcp_domain.platforms import Platform
from shopmcp_domain.ports import CredentialLease
from shopmcp_domain.tools.spec import HttpMethod, UpstreamOperation

PLATFORM = Platform.MAGENTO.value
WRITE_SCOPE = "all"
OAUTH1_FIELDS = ("consumer_key", "consumer_secret", "access_token", "access_token_secret")

_STORE_CODE_RE = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
_PREFIX_SEGMENT_RE = re.compile(r"^[A-Za-z0-9_~-][A-Za-z0-9._~-]*$")
_DOT_SEGMENT_RE = re.compile(r"(^|/)\.{1,2}(/|$)")
_PLACEHOLDER_RE = re.compile(r"\{([a-z_]+)\}")


# --------------------------------------------------------------------------- the store address


class InvalidStoreAddress(ValueError):
    pass


@attrs.frozen
class StoreAddress:
    """``origin`` is ``https://host[:port]``; ``prefix`` an install sub-path ("" or "/shop")."""

    origin: str
    prefix: str = ""
    store_code: str | None = None

    @classmethod
    def parse(cls, store_ref: str) -> StoreAddress:
        try:
            url = httpx.URL(store_ref)
        except (httpx.InvalidURL, TypeError) as error:
            raise InvalidStoreAddress("not a URL") from error
        if url.scheme != "https":
            raise InvalidStoreAddress("the store URL must use https")
        if not url.host or url.userinfo:
            raise InvalidStoreAddress("the store URL needs a host and no credentials")
        if url.query or url.fragment or "?" in store_ref or "#" in store_ref:
            raise InvalidStoreAddress("the store URL takes no query or fragment")
        if _DOT_SEGMENT_RE.search(store_ref.split("://", 1)[-1]):
            raise InvalidStoreAddress("the store URL path has a dot segment")
        raw_path = url.raw_path.decode("ascii")
        if "%" in raw_path or "\\" in store_ref:
            raise InvalidStoreAddress("the store URL path must be plain")
        segments = [s for s in raw_path.split("/") if s]
        store_code: str | None = None
        if len(segments) >= 2 and segments[-2] == "rest":
            store_code = segments[-1]
            if not _STORE_CODE_RE.fullmatch(store_code):
                raise InvalidStoreAddress("the store code is not a valid Magento store code")
            segments = segments[:-2]
        for segment in segments:
            if segment in {".", ".."} or not _PREFIX_SEGMENT_RE.fullmatch(segment):
                raise InvalidStoreAddress("the store URL path has an invalid segment")
        if "rest" in segments:
            raise InvalidStoreAddress("write the REST base as https://host/rest/<store_code>")
        port = f":{url.port}" if url.port is not None else ""
        prefix = "".join(f"/{s}" for s in segments)
        host = f"[{url.host}]" if ":" in url.host else url.host
        return cls(origin=f"https://{host}{port}", prefix=prefix, store_code=store_code)

    def url(self, path: str, *, scope: str | None = None) -> str:
        code = scope or self.store_code
        return f"{self.origin}{self.prefix}/rest{'/' + code if code else ''}{path}"


def expand_path(operation: UpstreamOperation, values: Mapping[str, str | int]) -> str:
    """Fill the operation's ``{placeholders}``, each value percent-encoded as one segment."""
    names = _PLACEHOLDER_RE.findall(operation.path)
    if set(names) != set(values):
        raise ValueError(f"{operation.key} needs exactly {sorted(names)}")
    return _PLACEHOLDER_RE.sub(lambda m: quote(str(values[m.group(1)]), safe=""), operation.path)


# --------------------------------------------------------------------------- auth


class BearerAuth(httpx.Auth):
    def __init__(self, token: str) -> None:
        self._token = token

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = f"Bearer {self._token}"
        yield request

    def __repr__(self) -> str:
        return "BearerAuth(<redacted>)"


class OAuth1Auth(httpx.Auth):
    """OAuth 1.0a (RFC 5849) header signing with an integration's four credentials.

    The signature base string covers the method, the URL and every query parameter (oauthlib
    reads them from the URL). JSON bodies are not form parameters and are not signed (RFC 5849
    section 3.4.1.3). Each attempt, retries included, is signed afresh: new nonce and timestamp.
    """

    def __init__(
        self, consumer_key: str, consumer_secret: str, token: str, token_secret: str
    ) -> None:
        self._credentials = (consumer_key, consumer_secret, token, token_secret)

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        consumer_key, consumer_secret, token, token_secret = self._credentials
        signer = oauth1.Client(
            consumer_key,
            client_secret=consumer_secret,
            resource_owner_key=token,
            resource_owner_secret=token_secret,
            signature_method=oauth1.SIGNATURE_HMAC_SHA256,
            signature_type=oauth1.SIGNATURE_TYPE_AUTH_HEADER,
        )
        _, headers, _ = signer.sign(str(request.url), http_method=request.method)
        request.headers["Authorization"] = headers["Authorization"]
        yield request

    def __repr__(self) -> str:
        return "OAuth1Auth(<redacted>)"


def auth_for(payload_get: Mapping[str, str | None]) -> httpx.Auth:
    values = {name: payload_get.get(name) for name in OAUTH1_FIELDS}
    if all(values.values()):
        consumer_key, consumer_secret, token, token_secret = (
            str(values[name]) for name in OAUTH1_FIELDS
        )
        return OAuth1Auth(consumer_key, consumer_secret, token, token_secret)
    bearer = values["access_token"]
    if bearer:
        return BearerAuth(bearer)
    raise ConnectionUnavailable(
        PLATFORM, "the stored credential has neither an access token nor OAuth 1.0a values"
    )


# --------------------------------------------------------------------------- errors


_PARAM_RE = re.compile(r"%(\w+)")


def render_message(message: str, parameters: Any) -> str:
    """Fill Magento's ``%1`` (positional, from a list) and ``%name`` (from an object)
    placeholders, in one pass; unknown placeholders stay as they are."""

    def substitute(match: re.Match[str]) -> str:
        key = match.group(1)
        if isinstance(parameters, list) and key.isdigit():
            index = int(key) - 1
            if 0 <= index < len(parameters):
                return str(parameters[index])
        if isinstance(parameters, Mapping) and key in parameters:
            return str(parameters[key])
        return match.group(0)

    return _PARAM_RE.sub(substitute, message)


def error_message(response: httpx.Response) -> str:
    """``{message, parameters, errors?}`` -> readable text; anything else: the default."""
    try:
        body = response.json()
    except ValueError:
        return default_message(response)
    if not isinstance(body, Mapping) or not isinstance(body.get("message"), str):
        return default_message(response)
    text = render_message(body["message"], body.get("parameters"))
    extra = []
    for item in body.get("errors") or ():
        if isinstance(item, Mapping) and isinstance(item.get("message"), str):
            extra.append(render_message(item["message"], item.get("parameters")))
    if extra:
        text = f"{text} ({'; '.join(extra[:3])})"
    return text


# --------------------------------------------------------------------------- the client


@attrs.define
class MagentoClient:
    """One connection's client for one request. Holds the credential lease, not the secret."""

    http: UpstreamHttp
    address: StoreAddress
    credentials: CredentialLease = attrs.field(repr=False)

    async def get(
        self,
        operation: UpstreamOperation,
        path_values: Mapping[str, str | int] | None = None,
        criteria: SearchCriteria | None = None,
        params: httpx.QueryParams | None = None,
    ) -> Any:
        if operation.method is not HttpMethod.GET:
            raise ValueError(f"{operation.key} is not a read")
        query = criteria.params() if criteria is not None else params
        url = self.address.url(expand_path(operation, path_values or {}))
        return await self._send(operation, url, params=query, json=None, idempotent=True)

    async def put(
        self,
        operation: UpstreamOperation,
        path_values: Mapping[str, str | int],
        body: Mapping[str, Any],
    ) -> Any:
        if operation.method is not HttpMethod.PUT:
            raise ValueError(f"{operation.key} is not a PUT")
        url = self.address.url(expand_path(operation, path_values), scope=WRITE_SCOPE)
        # A write is not retried: a 5xx may still have been applied.
        return await self._send(operation, url, params=None, json=dict(body), idempotent=False)

    async def post(
        self,
        operation: UpstreamOperation,
        path_values: Mapping[str, str | int],
        body: Mapping[str, Any],
    ) -> Any:
        if operation.method is not HttpMethod.POST:
            raise ValueError(f"{operation.key} is not a POST")
        url = self.address.url(expand_path(operation, path_values), scope=WRITE_SCOPE)
        # Not retried: a POST creates (an invoice, a refund) and a 5xx may have been applied.
        return await self._send(operation, url, params=None, json=dict(body), idempotent=False)

    async def _send(
        self,
        operation: UpstreamOperation,
        url: str,
        *,
        params: httpx.QueryParams | None,
        json: Any,
        idempotent: bool,
    ) -> Any:
        payload = await self.credentials.current()
        auth = auth_for({name: payload.get(name) for name in OAUTH1_FIELDS})
        response = await self.http.request(
            operation.method.value,
            url,
            idempotent=idempotent,
            params=params,
            json=json,
            headers={"Accept": "application/json"},
            auth=auth,
        )
        if not response.content.strip():
            # A service method without a result (saving source items) may answer nothing.
            return None
        return UpstreamHttp.json_body(PLATFORM, response)


def magento_http(http: UpstreamHttp) -> UpstreamHttp:
    """The shared policy with Magento's platform name and error-body parser."""
    return attrs.evolve(http, platform=PLATFORM, message=error_message)
