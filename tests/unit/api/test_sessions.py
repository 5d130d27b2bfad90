"""Signing in and staying signed in: one-time codes (hashed, 10 minutes, 5 tries, a send
limit per address, the latest code only), sessions (sliding, capped, revocable, refused at
once when revoked or expired), the cookie's attributes, and CSRF on cookie-carried changes."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest

from shopmcp_domain.accounts import (
    CODE_LIFETIME,
    CODE_MAX_ATTEMPTS,
    CODE_SENDS_PER_WINDOW,
    SESSION_ABSOLUTE,
    SESSION_IDLE,
    hash_session_token,
)
from tests.unit.api.harness import Api, running_api

EMAIL = "merchant@example.com"


async def _ask(api: Api, email: str = EMAIL) -> str:
    sent = await api.http.post("/api/v1/auth/code", json={"email": email})
    assert sent.status_code == 202, sent.text
    return api.last_code(email)


async def _redeem(api: Api, code: str, email: str = EMAIL) -> int:
    answer = await api.http.post("/api/v1/auth/session", json={"email": email, "code": code})
    api.http.cookies.clear()
    return answer.status_code


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10**8:08d}"


async def test_a_code_opens_one_session_and_is_spent(api: Api) -> None:
    code = await _ask(api)
    assert await _redeem(api, code) == 201
    assert await _redeem(api, code) == 401


async def test_codes_are_hashed_at_rest_and_mail_is_the_only_copy(api: Api) -> None:
    code = await _ask(api)
    stored = api.world.store.people.codes[-1]
    assert code.encode() not in stored.code_hash and code not in repr(stored)
    assert len(stored.code_hash) == 32


async def test_five_wrong_tries_kill_the_code(api: Api) -> None:
    code = await _ask(api)
    for _ in range(CODE_MAX_ATTEMPTS):
        assert await _redeem(api, _wrong(code)) == 401
    # The right code no longer works: its tries are spent.
    assert await _redeem(api, code) == 401
    refused = await api.http.post("/api/v1/auth/session", json={"email": EMAIL, "code": code})
    assert refused.json()["code"] == "sign_in_failed"


async def test_a_code_expires_after_ten_minutes(api: Api) -> None:
    code = await _ask(api)
    api.world.clock.advance(CODE_LIFETIME.total_seconds() + 1)
    assert await _redeem(api, code) == 401


async def test_only_the_latest_code_counts(api: Api) -> None:
    first = await _ask(api)
    second = await _ask(api)
    if first != second:
        assert await _redeem(api, first) == 401
    assert await _redeem(api, second) == 201


async def test_sends_are_limited_per_address(api: Api) -> None:
    for _ in range(CODE_SENDS_PER_WINDOW):
        await _ask(api)
    throttled = await api.http.post("/api/v1/auth/code", json={"email": EMAIL})
    assert throttled.status_code == 429
    assert int(throttled.headers["retry-after"]) > 0
    # Another address is not affected; the limit lifts after the window.
    await _ask(api, "someone-else@example.com")
    api.world.clock.advance(3601)
    await _ask(api)


async def test_closed_signup_answers_the_same_and_sends_nothing() -> None:
    async with running_api(signup_open=False) as api:
        sent = await api.http.post("/api/v1/auth/code", json={"email": "stranger@example.com"})
        assert sent.status_code == 202
        assert api.mailer.sent == []


async def test_a_session_is_stored_hashed_and_listed_without_its_token(api: Api) -> None:
    token = await api.sign_in(EMAIL)
    stored = list(api.world.store.people.sessions.values())
    assert [s.token_hash for s in stored] == [hash_session_token(token)]
    listed = await api.call("GET", "/api/v1/sessions", token)
    assert token not in listed.text and listed.json()[0]["current"] is True


async def test_a_session_slides_and_has_an_absolute_cap(api: Api) -> None:
    token = await api.sign_in(EMAIL)
    step = SESSION_IDLE.total_seconds() - 60
    used = 0.0
    while used + step < SESSION_ABSOLUTE.total_seconds():
        api.world.clock.advance(step)
        used += step
        assert (await api.call("GET", "/api/v1/session", token)).status_code == 200
    api.world.clock.advance(SESSION_ABSOLUTE.total_seconds() - used + 1)
    assert (await api.call("GET", "/api/v1/session", token)).status_code == 401


async def test_an_idle_session_expires(api: Api) -> None:
    token = await api.sign_in(EMAIL)
    api.world.clock.advance(SESSION_IDLE.total_seconds() + 1)
    refused = await api.call("GET", "/api/v1/session", token)
    assert refused.status_code == 401 and refused.json()["code"] == "not_signed_in"


async def test_signing_out_revokes_at_once(api: Api) -> None:
    token = await api.sign_in(EMAIL)
    other = await api.sign_in(EMAIL)
    assert (await api.call("DELETE", "/api/v1/session", token)).status_code == 204
    assert (await api.call("GET", "/api/v1/session", token)).status_code == 401
    assert (await api.call("GET", "/api/v1/session", other)).status_code == 200


async def test_one_session_revokes_another_of_the_same_account_only(api: Api) -> None:
    laptop = await api.sign_in(EMAIL)
    phone = await api.sign_in(EMAIL)
    stranger = await api.sign_in("stranger@example.com")
    phone_id = (await api.call("GET", "/api/v1/session", phone)).json()["session"]["id"]
    assert (await api.call("DELETE", f"/api/v1/sessions/{phone_id}", stranger)).status_code == 404
    assert (await api.call("DELETE", f"/api/v1/sessions/{phone_id}", laptop)).status_code == 204
    assert (await api.call("GET", "/api/v1/session", phone)).status_code == 401


@pytest.mark.parametrize(
    ("host", "secure"), [("127.0.0.1:8000", False), ("localhost", False), ("shop.example", True)]
)
async def test_the_cookie_is_httponly_lax_and_secure_off_loopback(
    api: Api, host: str, secure: bool
) -> None:
    code = await _ask(api)
    opened = await api.http.post(
        "/api/v1/auth/session", json={"email": EMAIL, "code": code}, headers={"host": host}
    )
    cookie = opened.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "path=/" in cookie
    assert ("; secure" in cookie) is secure


async def _cookie_session(api: Api) -> tuple[str, str]:
    code = await _ask(api)
    opened = await api.http.post("/api/v1/auth/session", json={"email": EMAIL, "code": code})
    return opened.json()["token"], opened.json()["csrf_token"]


async def test_a_cookie_change_must_be_json_or_carry_the_csrf_token(api: Api) -> None:
    _, csrf = await _cookie_session(api)
    # A form a hostile page could post: refused before anything is read.
    form = await api.http.post(
        "/api/v1/workspaces",
        content=b"name=x",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert form.status_code in (403, 415)
    # A body-less change by cookie alone (no JSON, no token): refused as CSRF.
    created = await api.http.post("/api/v1/workspaces", json={"name": "Mine"})
    assert created.status_code == 201
    workspace = created.json()["id"]
    bare = await api.http.delete(f"/api/v1/workspaces/{workspace}")
    assert bare.status_code == 403 and bare.json()["code"] == "csrf_rejected"
    wrong = await api.http.delete(
        f"/api/v1/workspaces/{workspace}", headers={"x-csrf-token": csrf[:-2] + "xx"}
    )
    assert wrong.status_code == 403
    right = await api.http.delete(f"/api/v1/workspaces/{workspace}", headers={"x-csrf-token": csrf})
    assert right.status_code == 202, right.text


async def test_the_csrf_check_reads_a_form_field_for_the_web_pages(api: Api) -> None:
    from litestar import Request

    from shopmcp_domain.accounts import AuthSecret
    from shopmcp_domain.dashboard_errors import CsrfRejected
    from shopmcp_entrypoints.http.api.auth import check_csrf
    from tests.unit.api.harness import AUTH_SECRET

    token = await api.sign_in(EMAIL)
    session = api.world.store.people.sessions
    found = next(s for s in session.values() if s.token_hash == hash_session_token(token))
    secret = AuthSecret(AUTH_SECRET)

    def form_request(body: bytes) -> Request[Any, Any, Any]:
        scope = {
            "type": "http",
            "method": "POST",
            "path": "/settings",
            "headers": [(b"content-type", b"application/x-www-form-urlencoded")],
            "query_string": b"",
            # What the router puts in the scope; the body reader asks it for a size limit.
            "route_handler": SimpleNamespace(resolve_request_max_body_size=lambda: None),
        }
        sent = False

        async def receive() -> dict[str, object]:
            nonlocal sent
            if sent:
                return {"type": "http.disconnect"}
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        return Request(scope, receive)  # type: ignore[arg-type]

    good = f"name=x&csrf_token={secret.csrf_token(found.id)}".encode()
    await check_csrf(form_request(good), found, secret)
    with pytest.raises(CsrfRejected):
        await check_csrf(form_request(b"name=x&csrf_token=nope"), found, secret)
    with pytest.raises(CsrfRejected):
        await check_csrf(form_request(b"name=x"), found, secret)


async def test_a_bearer_token_needs_no_csrf_token(api: Api) -> None:
    token = await api.sign_in(EMAIL)
    workspace = await api.workspace(token)
    gone = await api.call("DELETE", f"/api/v1/workspaces/{workspace}", token)
    assert gone.status_code == 202


def test_the_clock_moves_time_by_seconds() -> None:
    # The tests above move the fake clock in seconds; the constants are timedeltas.
    assert isinstance(CODE_LIFETIME, dt.timedelta)
