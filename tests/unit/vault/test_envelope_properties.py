"""Property: any single-bit change to a stored envelope (ciphertext, nonce, wrapped key) or any
change of context is refused with the generic error, for both vaults."""

from __future__ import annotations

import asyncio
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shopmcp_adapters.memory import FakeClock
from shopmcp_domain.credentials import CredentialPayload, EncryptionContext, SealedCredential
from shopmcp_domain.errors import CredentialUnavailable
from shopmcp_domain.ids import new_credential_id, new_workspace_id
from tests.unit.vault.conftest import VaultCase, kms_case, local_case

FIELDS = ("ciphertext", "nonce", "wrapped_dek")


@pytest.fixture(scope="module", params=["kms", "local"])
def sealed_case(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[VaultCase, EncryptionContext, SealedCredential]:
    clock = FakeClock()
    if request.param == "kms":
        case = kms_case(clock, cache_seconds=0)
    else:
        case = local_case(clock, tmp_path_factory.mktemp("data"), cache_seconds=0)
    context = EncryptionContext(new_workspace_id(), new_credential_id())
    sealed = asyncio.run(case.vault.seal(context, CredentialPayload({"token": "t" * 40})))
    return case, context, sealed


def refused(case: VaultCase, context: EncryptionContext, sealed: SealedCredential) -> bool:
    try:
        asyncio.run(case.vault.open(context, sealed))
    except CredentialUnavailable as exc:
        return str(exc) == "the stored credential could not be opened"
    return False


@settings(max_examples=40, deadline=None)
@given(field=st.sampled_from(FIELDS), position=st.integers(min_value=0), bit=st.integers(0, 7))
def test_any_bit_flip_is_refused(
    sealed_case: tuple[VaultCase, EncryptionContext, SealedCredential],
    field: str,
    position: int,
    bit: int,
) -> None:
    case, context, sealed = sealed_case
    data: bytes = getattr(sealed, field)
    index = position % len(data)
    flipped = data[:index] + bytes([data[index] ^ (1 << bit)]) + data[index + 1 :]
    # The field name is drawn at run time, so evolve's keyword is only known to be one of FIELDS.
    changes: dict[str, Any] = {field: flipped}
    assert refused(case, context, attrs.evolve(sealed, **changes))


@settings(max_examples=8, deadline=None)
@given(new_workspace=st.booleans(), new_credential=st.booleans())
def test_any_other_context_is_refused(
    sealed_case: tuple[VaultCase, EncryptionContext, SealedCredential],
    new_workspace: bool,
    new_credential: bool,
) -> None:
    case, context, sealed = sealed_case
    if not (new_workspace or new_credential):
        assert asyncio.run(case.vault.open(context, sealed)) is not None
        return
    other = EncryptionContext(
        new_workspace_id() if new_workspace else context.workspace_id,
        new_credential_id() if new_credential else context.credential_id,
    )
    moved = attrs.evolve(sealed, workspace_id=other.workspace_id, id=other.credential_id)
    assert refused(case, other, moved)


@settings(max_examples=20, deadline=None)
@given(generation=st.integers(min_value=-(2**31), max_value=2**31).filter(lambda g: g != 1))
def test_any_other_generation_number_is_refused(
    sealed_case: tuple[VaultCase, EncryptionContext, SealedCredential], generation: int
) -> None:
    case, context, sealed = sealed_case
    relabelled = attrs.evolve(sealed, generation=generation)
    assert refused(case, context, relabelled)
    if generation > 1:  # and by a requester whose connection row records that generation
        assert refused(case, attrs.evolve(context, generation=generation), relabelled)
