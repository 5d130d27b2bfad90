"""The pure rules of OAuth connect flows: PKCE S256, the signed state (tampering, another
platform, expiry), single use of a flow, which store a grant connects, token expiry."""

from __future__ import annotations

import base64
import datetime as dt

import attrs
import pytest

from shopmcp_domain.credentials import CredentialPayload, SealedCredential
from shopmcp_domain.errors import (
    FlowRefusal,
    OAuthFlowRefused,
)
from shopmcp_domain.ids import new_credential_id, new_oauth_flow_id, new_workspace_id
from shopmcp_domain.oauth import (
    FLOW_LIFETIME,
    REFRESH_MARGIN,
    AuthorizedStore,
    OAuthFlow,
    StateClaims,
    StateSecret,
    check_consumable,
    choose_store,
    code_challenge,
    new_code_verifier,
    read_state,
    sign_state,
    token_needs_refresh,
)
from shopmcp_domain.platforms import Platform

NOW = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)
SECRET = StateSecret(b"k" * 32)


def claims(platform: Platform = Platform.XERO) -> StateClaims:
    return StateClaims(new_workspace_id(), new_oauth_flow_id(), platform, NOW + FLOW_LIFETIME)


def refused(reason: FlowRefusal) -> pytest.RaisesExc[OAuthFlowRefused]:
    return pytest.raises(OAuthFlowRefused, check=lambda e: e.reason is reason)


# --------------------------------------------------------------------------- PKCE


def test_the_s256_challenge_matches_rfc_7636_appendix_b() -> None:
    verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
    assert code_challenge(verifier) == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"


def test_verifiers_are_fresh_and_within_the_rfc_bounds() -> None:
    verifiers = {new_code_verifier() for _ in range(50)}
    assert len(verifiers) == 50
    for verifier in verifiers:
        assert 43 <= len(verifier) <= 128
        code_challenge(verifier)  # accepted: only unreserved characters


@pytest.mark.parametrize("bad", ["short", "x" * 129, "a" * 42 + "!", "a" * 43 + " "])
def test_a_verifier_outside_the_rfc_grammar_is_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="verifier"):
        code_challenge(bad)


# --------------------------------------------------------------------------- the state


def test_a_signed_state_reads_back_its_claims() -> None:
    original = claims()
    state = sign_state(SECRET, original)
    assert read_state(SECRET, state, platform=Platform.XERO, now=NOW) == original
    assert len(state) < 200


def test_the_secret_never_shows_in_its_repr() -> None:
    assert "kkkk" not in repr(SECRET) and "kkkk" not in str(SECRET)


def test_a_short_secret_is_refused() -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        StateSecret(b"k" * 31)
    with pytest.raises(ValueError, match="32 bytes"):
        StateSecret.from_text("too short")


def test_every_single_character_change_is_refused_as_invalid() -> None:
    state = sign_state(SECRET, claims())
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    for i, ch in enumerate(state):
        if ch == ".":
            continue
        replacement = alphabet[(alphabet.index(ch) + 1) % len(alphabet)]
        tampered = state[:i] + replacement + state[i + 1 :]
        with refused(FlowRefusal.INVALID_STATE):
            read_state(SECRET, tampered, platform=Platform.XERO, now=NOW)


def test_claims_edited_and_re_encoded_without_the_secret_are_refused() -> None:
    original = claims()
    payload_text, mac = sign_state(SECRET, original).split(".")
    payload = bytearray(base64.urlsafe_b64decode(payload_text + "=" * (-len(payload_text) % 4)))
    # Version, workspace and flow ids, then the expiry: moved a year on.
    payload[33:41] = int((NOW + dt.timedelta(days=365)).timestamp()).to_bytes(8, "big")
    forged = base64.urlsafe_b64encode(bytes(payload)).rstrip(b"=").decode() + "." + mac
    with refused(FlowRefusal.INVALID_STATE):
        read_state(SECRET, forged, platform=Platform.XERO, now=NOW)


def test_a_state_signed_with_another_secret_is_refused() -> None:
    state = sign_state(StateSecret(b"o" * 32), claims())
    with refused(FlowRefusal.INVALID_STATE):
        read_state(SECRET, state, platform=Platform.XERO, now=NOW)


@pytest.mark.parametrize(
    "state",
    ["", ".", "abc", "a.b.c", "!!!.???", "A" * 600, "AAAA.AAAA", "AAAB.AAAA"],
)
def test_malformed_states_are_refused_as_invalid(state: str) -> None:
    with refused(FlowRefusal.INVALID_STATE):
        read_state(SECRET, state, platform=Platform.XERO, now=NOW)


def test_a_state_for_another_platform_is_refused() -> None:
    state = sign_state(SECRET, claims(Platform.GOOGLE))
    with refused(FlowRefusal.WRONG_PLATFORM) as caught:
        read_state(SECRET, state, platform=Platform.XERO, now=NOW)
    assert "google" in caught.value.message


def test_a_state_expires_after_the_flow_lifetime() -> None:
    state = sign_state(SECRET, claims())
    read_state(
        SECRET, state, platform=Platform.XERO, now=NOW + FLOW_LIFETIME - dt.timedelta(seconds=1)
    )
    with refused(FlowRefusal.EXPIRED):
        read_state(SECRET, state, platform=Platform.XERO, now=NOW + FLOW_LIFETIME)


# --------------------------------------------------------------------------- flows


def flow(
    *,
    platform: Platform = Platform.XERO,
    expires_at: dt.datetime = NOW + FLOW_LIFETIME,
    used_at: dt.datetime | None = None,
    with_verifier: bool = True,
) -> OAuthFlow:
    workspace_id = new_workspace_id()
    sealed = SealedCredential(
        id=new_credential_id(),
        workspace_id=workspace_id,
        ciphertext=b"c",
        nonce=b"n" * 12,
        wrapped_dek=b"w",
        kms_key_id="fake:1",
    )
    return OAuthFlow(
        id=new_oauth_flow_id(),
        workspace_id=workspace_id,
        platform=platform,
        created_at=NOW,
        expires_at=expires_at,
        sealed_verifier=sealed if with_verifier else None,
        used_at=used_at,
    )


def test_an_unused_unexpired_flow_is_consumable() -> None:
    pending = flow()
    assert check_consumable(pending, pending.claims, NOW) is pending


def test_a_used_flow_is_a_replay() -> None:
    used = flow(used_at=NOW, with_verifier=False)
    with refused(FlowRefusal.REPLAYED):
        check_consumable(used, used.claims, NOW)


def test_an_expired_flow_is_refused_even_if_the_state_was_read_in_time() -> None:
    pending = flow()
    with refused(FlowRefusal.EXPIRED):
        check_consumable(pending, pending.claims, NOW + FLOW_LIFETIME)


def test_a_missing_flow_or_one_of_another_platform_is_invalid() -> None:
    pending = flow()
    with refused(FlowRefusal.INVALID_STATE):
        check_consumable(None, pending.claims, NOW)
    with refused(FlowRefusal.INVALID_STATE):
        check_consumable(attrs.evolve(pending, platform=Platform.GOOGLE), pending.claims, NOW)


def test_a_pending_flow_holds_its_verifier_and_a_used_one_does_not() -> None:
    with pytest.raises(ValueError, match="verifier"):
        flow(used_at=NOW)
    with pytest.raises(ValueError, match="verifier"):
        flow(with_verifier=False)
    with pytest.raises(ValueError, match="expires"):
        flow(expires_at=NOW)


# --------------------------------------------------------------------------- stores


A = AuthorizedStore("tenant-a", "Alpha Ltd")
B = AuthorizedStore("tenant-b", "Beta Ltd")


def test_the_only_store_authorised_is_connected() -> None:
    assert choose_store(Platform.XERO, [A], None) == A


def test_a_store_chosen_in_advance_is_picked_among_several() -> None:
    assert choose_store(Platform.XERO, [A, B], "tenant-b") == B


def test_several_stores_and_no_choice_ask_the_merchant_to_choose() -> None:
    with refused(FlowRefusal.CHOICE_NEEDED) as caught:
        choose_store(Platform.XERO, [A, B], None)
    assert "Alpha Ltd (tenant-a)" in caught.value.message
    assert "--store" in caught.value.message


def test_a_chosen_store_that_was_not_authorised_or_no_store_at_all_is_refused() -> None:
    with refused(FlowRefusal.NO_STORE):
        choose_store(Platform.XERO, [A], "tenant-b")
    with refused(FlowRefusal.NO_STORE):
        choose_store(Platform.XERO, [], None)


# --------------------------------------------------------------------------- token expiry


def payload(expires_at: str | None, access: str = "at") -> CredentialPayload:
    values = {"access_token": access, "refresh_token": "rt"}
    if expires_at is not None:
        values["expires_at"] = expires_at
    return CredentialPayload(values)


def test_a_token_is_used_until_the_margin_before_its_expiry() -> None:
    expires = NOW + dt.timedelta(minutes=30)
    fresh = payload(expires.isoformat())
    assert not token_needs_refresh(fresh, NOW)
    assert not token_needs_refresh(fresh, expires - REFRESH_MARGIN - dt.timedelta(seconds=1))
    assert token_needs_refresh(fresh, expires - REFRESH_MARGIN)
    assert token_needs_refresh(fresh, expires + dt.timedelta(hours=1))


def test_a_token_without_a_readable_expiry_or_access_token_is_refreshed() -> None:
    assert token_needs_refresh(payload(None), NOW)
    assert token_needs_refresh(payload("next tuesday"), NOW)
    assert token_needs_refresh(payload((NOW + dt.timedelta(hours=1)).isoformat(), ""), NOW)
    naive = (NOW + dt.timedelta(hours=1)).replace(tzinfo=None).isoformat()
    assert not token_needs_refresh(payload(naive), NOW)  # read as UTC
