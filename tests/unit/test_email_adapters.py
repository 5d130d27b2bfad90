"""The two ``EmailSender`` adapters: a provider's HTTP API (one JSON POST, the key as a bearer
token, never retried, refusals as the domain's upstream errors) and the local outbox (JSON
lines, mode 0600, read back by ``shopmcp mail tail``)."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from shopmcp_adapters.email import HttpEmailSender, LocalOutbox, read_outbox
from shopmcp_adapters.upstreams.http import UpstreamHttp
from shopmcp_domain.errors import (
    UpstreamError,
    UpstreamUnavailable,
)
from shopmcp_domain.identity import EmailMessage, EmailSender
from tests.factories import NOW

MESSAGE = EmailMessage("a@example.com", "Your code", "Your ShopMCP sign-in code is 12345678")


def _sender(handler: httpx.MockTransport) -> HttpEmailSender:
    http = UpstreamHttp(platform="email", client=httpx.AsyncClient(transport=handler))
    return HttpEmailSender(http, "https://mail.example/v1/send", "key-123", "ShopMCP <no@x.y>")


async def test_a_message_is_one_json_post_with_the_key_as_bearer() -> None:
    seen: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(202, json={"id": "m1"})

    sender: EmailSender = _sender(httpx.MockTransport(handle))
    await sender.send(MESSAGE)
    [request] = seen
    assert request.method == "POST" and str(request.url) == "https://mail.example/v1/send"
    assert request.headers["authorization"] == "Bearer key-123"
    assert json.loads(request.content) == {
        "from": "ShopMCP <no@x.y>",
        "to": ["a@example.com"],
        "subject": "Your code",
        "text": MESSAGE.text,
    }
    assert "12345678" not in repr(MESSAGE) and "key-123" not in repr(sender)


@pytest.mark.parametrize(("status", "error"), [(401, UpstreamError), (503, UpstreamUnavailable)])
async def test_a_refusal_is_an_upstream_error_and_is_not_retried(
    status: int, error: type[Exception]
) -> None:
    calls = 0

    def handle(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        return httpx.Response(status, json={"error": "no"})

    with pytest.raises(error):
        await _sender(httpx.MockTransport(handle)).send(MESSAGE)
    assert calls == 1


async def test_the_local_outbox_is_private_and_read_back(tmp_path: Path) -> None:
    outbox: EmailSender = LocalOutbox(tmp_path, lambda: NOW)
    await outbox.send(MESSAGE)
    await outbox.send(EmailMessage("b@example.com", "Second", "text"))
    path = tmp_path / "mail" / "outbox"
    assert path.stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "mail").stat().st_mode & 0o777 == 0o700
    [last] = read_outbox(tmp_path, last=1)
    assert last["to"] == "b@example.com" and last["at"] == NOW.isoformat()
    assert [m["to"] for m in read_outbox(tmp_path)] == ["a@example.com", "b@example.com"]
    assert read_outbox(tmp_path / "nothing-here") == []
