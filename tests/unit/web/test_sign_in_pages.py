"""Signing in through the pages: an address, then the emailed code, then a session cookie;
CSRF on the pre-session forms too; refusals shown on the form with what was typed; no open
redirect; signing out revokes the session."""

from __future__ import annotations

import httpx2
import pytest

from tests.unit.api.harness import Api
from tests.unit.web.conftest import NewBrowser
from tests.unit.web.harness import Browser, assert_accessible, csrf_of


async def test_the_journey_opens_a_session_cookie(api: Api, new_browser: NewBrowser) -> None:
    browser = await new_browser()
    start = await browser.get("/sign-in")
    assert start.status_code == 200
    assert_accessible(start)
    token = csrf_of(start)
    sent = await browser.http.post(
        "/sign-in", data={"email": "Alice@Example.com", "csrf_token": token}
    )
    assert sent.status_code == 303
    assert "example.com" not in sent.headers["location"]  # no address in a URL
    code_page = await browser.get(sent.headers["location"])
    assert code_page.status_code == 200
    assert_accessible(code_page)
    assert 'value="alice@example.com"' in code_page.text
    assert "a code is on its way" in code_page.text
    done = await browser.http.post(
        "/sign-in/code",
        data={
            "email": "alice@example.com",
            "code": api.last_code("alice@example.com"),
            "csrf_token": token,
        },
    )
    assert done.status_code == 303
    cookie = next(c for c in done.headers.get_list("set-cookie") if "shopmcp_session=" in c)
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie
    workspaces = await browser.get("/workspaces")
    assert workspaces.status_code == 200
    assert "Signed in as alice@example.com" in workspaces.text
    assert_accessible(workspaces)
    again = await browser.get("/sign-in")
    assert again.status_code == 303 and again.headers["location"] == "/workspaces"


async def test_no_page_without_a_session_but_the_way_back_is_kept(
    new_browser: NewBrowser,
) -> None:
    browser = await new_browser()
    for path in ("/workspaces", "/settings/connections", "/"):
        answer = await browser.get(path)
        assert answer.status_code == 303
    answer = await browser.get("/workspaces")
    assert answer.headers["location"] == "/sign-in?next=/workspaces"


@pytest.mark.parametrize("token", [None, "", "forged-token"])
async def test_the_sign_in_forms_need_their_csrf_token(
    api: Api, new_browser: NewBrowser, token: str | None
) -> None:
    browser = await new_browser()
    await browser.get("/sign-in")  # the pre-session cookie is set
    form = {"email": "alice@example.com"} | ({} if token is None else {"csrf_token": token})
    refused = await browser.http.post("/sign-in", data=form)
    assert refused.status_code == 403
    assert api.mailer.sent == []


async def test_a_token_without_its_cookie_is_refused(api: Api, new_browser: NewBrowser) -> None:
    # A hostile page can copy a token from its own visit, not this browser's cookie.
    attacker, victim = await new_browser(), await new_browser()
    token = csrf_of(await attacker.get("/sign-in"))
    refused = await victim.http.post(
        "/sign-in", data={"email": "alice@example.com", "csrf_token": token}
    )
    assert refused.status_code == 403
    assert api.mailer.sent == []


async def test_a_bad_address_is_shown_on_the_form_with_what_was_typed(
    new_browser: NewBrowser,
) -> None:
    browser = await new_browser()
    token = csrf_of(await browser.get("/sign-in"))
    page = await browser.http.post(
        "/sign-in", data={"email": "not an address", "csrf_token": token}
    )
    assert page.status_code == 400
    assert 'value="not an address"' in page.text
    assert 'aria-invalid="true"' in page.text
    assert 'aria-describedby="email-error"' in page.text
    assert 'id="email-error"' in page.text
    assert_accessible(page)


async def test_a_wrong_code_is_refused_on_the_form(api: Api, new_browser: NewBrowser) -> None:
    browser = await new_browser()
    token = csrf_of(await browser.get("/sign-in"))
    await browser.http.post("/sign-in", data={"email": "alice@example.com", "csrf_token": token})
    right = api.last_code("alice@example.com")
    wrong = "00000000" if right != "00000000" else "11111111"
    page = await browser.http.post(
        "/sign-in/code",
        data={"email": "alice@example.com", "code": wrong, "csrf_token": token},
    )
    assert page.status_code == 401
    assert 'value="alice@example.com"' in page.text
    assert 'id="code-error"' in page.text
    assert "shopmcp_session" not in page.headers.get("set-cookie", "")
    assert_accessible(page)


@pytest.mark.parametrize(
    ("target", "lands"),
    [
        ("/workspaces/x/settings/keys", "/workspaces/x/settings/keys"),
        ("//evil.example/", "/workspaces"),
        ("https://evil.example/", "/workspaces"),
        ("/\\evil.example", "/workspaces"),
    ],
)
async def test_after_sign_in_only_a_path_of_this_site(
    api: Api, new_browser: NewBrowser, target: str, lands: str
) -> None:
    browser = await new_browser()
    token = csrf_of(await browser.get("/sign-in"))
    await browser.http.post("/sign-in", data={"email": "alice@example.com", "csrf_token": token})
    done = await browser.http.post(
        "/sign-in/code",
        data={
            "email": "alice@example.com",
            "code": api.last_code("alice@example.com"),
            "csrf_token": token,
            "next": target,
        },
    )
    assert done.status_code == 303
    assert done.headers["location"] == lands


async def test_signing_out_revokes_the_session(alice: Browser) -> None:
    cookie = alice.http.cookies.get("shopmcp_session")
    assert cookie
    out = await alice.post("/sign-out")
    assert out.status_code == 303 and out.headers["location"] == "/sign-in"
    # The old cookie, replayed, no longer opens anything.
    replay = await alice.http.get("/workspaces", headers={"cookie": f"shopmcp_session={cookie}"})
    assert replay.status_code == 303
    api_replay = await alice.http.get(
        "/api/v1/session", headers={"authorization": f"Bearer {cookie}"}
    )
    assert api_replay.status_code == 401


async def test_signing_out_needs_the_csrf_token(alice: Browser) -> None:
    refused = await alice.post("/sign-out", csrf="")
    assert refused.status_code == 403
    assert (await alice.get("/workspaces")).status_code == 200


async def test_pages_are_never_cached_nor_framed(alice: Browser) -> None:
    page: httpx2.Response = await alice.get("/workspaces")
    assert page.headers["cache-control"] == "no-store"
    assert page.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    css = await alice.get("/static/dashboard.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")


async def test_a_mistyped_page_is_a_page_and_the_api_keeps_its_problems(alice: Browser) -> None:
    html = {"accept": "text/html,application/xhtml+xml"}
    page = await alice.get("/workspaces/not-a-uuid/settings/keys", headers=html)
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert_accessible(page)
    api = await alice.get("/api/v1/nothing-here", headers=html)
    assert api.status_code == 404
    assert api.headers["content-type"].startswith("application/problem+json")
    plain = await alice.get("/nothing-here")
    assert plain.headers["content-type"].startswith("application/problem+json")
