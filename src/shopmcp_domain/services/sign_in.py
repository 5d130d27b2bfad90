"""Signing in by a one-time email code, and the sessions that follow (rules in
:mod:`shopmcp_domain.accounts`).

Nothing here tells a caller whether an address has an account: asking for a code answers the
same either way, and a code that does not open a session fails with one message whatever the
reason.
"""

from __future__ import annotations

import attrs

from shopmcp_domain.accounts import (
    CODE_LIFETIME,
    CODE_MAX_ATTEMPTS,
    CODE_RETENTION,
    CODE_SEND_WINDOW,
    CODE_SENDS_PER_WINDOW,
    Account,
    AuthSecret,
    IssuedSession,
    Session,
    SignInCode,
    hash_session_token,
    issue_session,
    looks_like_session_token,
    new_code,
    normalise_email,
)
from shopmcp_domain.audit import Actor
from shopmcp_domain.dashboard_errors import (
    NotSignedIn,
    SignInFailed,
    SignInThrottled,
)
from shopmcp_domain.errors import (
    Conflict,
    NotFound,
)
from shopmcp_domain.identity import EmailMessage, EmailSender, IdentityStore
from shopmcp_domain.ids import AccountId, SessionId, new_account_id, new_sign_in_code_id
from shopmcp_domain.ports import Clock


@attrs.frozen
class SignedIn:
    """A resolved session: who is calling."""

    account: Account
    session: Session

    @property
    def actor(self) -> Actor:
        return Actor(self.account.id, self.account.email)


def code_message(email: str, code: str, product: str = "ShopMCP") -> EmailMessage:
    minutes = int(CODE_LIFETIME.total_seconds() // 60)
    return EmailMessage(
        to=email,
        subject=f"Your {product} sign-in code: {code}",
        text=(
            f"Your {product} sign-in code is {code}\n\n"
            f"It works once, for {minutes} minutes. If you did not ask for it, ignore this "
            "message: nobody can sign in without the code.\n"
        ),
    )


async def request_code(
    identity: IdentityStore,
    mail: EmailSender,
    clock: Clock,
    secret: AuthSecret,
    email: str,
    *,
    signup_open: bool,
) -> None:
    """Mail a new code to ``email`` (it supersedes any earlier one). Sends are limited per
    address (:class:`SignInThrottled`). An address without an account gets a code only when
    sign-up is open; the caller's answer is the same either way."""
    address = normalise_email(email)
    now = clock.now()
    code = new_code()
    async with identity.transaction() as uow:
        window_start = now - CODE_SEND_WINDOW
        if await uow.codes.count_since(address, window_start) >= CODE_SENDS_PER_WINDOW:
            oldest = await uow.codes.oldest_since(address, window_start)
            wait = (oldest + CODE_SEND_WINDOW - now).total_seconds() if oldest else 60.0
            raise SignInThrottled(wait)
        await uow.codes.purge(address, now - CODE_RETENTION)
        # Only the newest code counts: the one before it is spent from now on.
        earlier = await uow.codes.current(address, for_update=True)
        if earlier is not None:
            await uow.codes.update(attrs.evolve(earlier, consumed_at=now))
        # Recorded whether or not a message goes out: the limit counts asks, not accounts.
        await uow.codes.add(
            SignInCode(
                id=new_sign_in_code_id(),
                email=address,
                code_hash=secret.code_hash(address, code),
                created_at=now,
                expires_at=now + CODE_LIFETIME,
            )
        )
        known = await uow.accounts.find_by_email(address) is not None
    if known or signup_open:
        await mail.send(code_message(address, code))


async def redeem_code(
    identity: IdentityStore,
    clock: Clock,
    secret: AuthSecret,
    email: str,
    code: str,
    *,
    signup_open: bool,
) -> tuple[Account, IssuedSession]:
    """Open a session with the address's latest code. Every try counts (committed even when it
    fails); after ``CODE_MAX_ATTEMPTS`` the code is dead. A right code consumes it, creates the
    account at first sign-in (when sign-up is open) and issues a session."""
    try:
        address = normalise_email(email)
    except ValueError:
        raise SignInFailed() from None
    now = clock.now()
    presented = secret.code_hash(address, code.strip())
    opened: tuple[Account, IssuedSession] | None = None
    async with identity.transaction() as uow:
        latest = await uow.codes.current(address, for_update=True)
        if latest is None or not latest.usable_at(now):
            raise SignInFailed()
        right = latest.matches(presented)
        await uow.codes.update(
            attrs.evolve(
                latest,
                attempts=min(latest.attempts + 1, CODE_MAX_ATTEMPTS),
                consumed_at=now if right else None,
            )
        )
        if right:
            account = await uow.accounts.find_by_email(address)
            if account is None and signup_open:
                account = Account(id=new_account_id(), email=address, created_at=now)
                await uow.accounts.add(account)
            if account is not None:
                issued = issue_session(account.id, now)
                await uow.sessions.add(issued.session)
                opened = (account, issued)
    # Outside the transaction: the attempt above is committed before the refusal.
    if opened is None:
        raise SignInFailed()
    return opened


async def resolve_session(identity: IdentityStore, clock: Clock, token: str) -> SignedIn:
    """The account behind a presented session token, sliding its expiry; ``NotSignedIn`` for
    a malformed, unknown, expired or revoked token, or one whose account is gone."""
    if not looks_like_session_token(token):
        raise NotSignedIn()
    now = clock.now()
    async with identity.transaction() as uow:
        session = await uow.sessions.find_by_token_hash(hash_session_token(token))
        if session is None or not session.valid_at(now):
            raise NotSignedIn()
        account = await uow.accounts.get(session.account_id)
        if account is None:
            raise NotSignedIn()
        slid = session.slid(now)
        if slid is not None:
            await uow.sessions.update(slid)
            session = slid
    return SignedIn(account=account, session=session)


async def list_sessions(identity: IdentityStore, account_id: AccountId) -> list[Session]:
    async with identity.transaction() as uow:
        return list(await uow.sessions.list_for(account_id))


async def revoke_session(
    identity: IdentityStore, clock: Clock, account_id: AccountId, session_id: SessionId
) -> None:
    """Revoke one of the account's sessions (signing out is revoking one's own): refused from
    the very next request on. ``NotFound`` for a session that is not the account's."""
    async with identity.transaction() as uow:
        session = await uow.sessions.get_for(account_id, session_id)
        if session is None:
            raise NotFound("session")
        if session.revoked_at is None:
            await uow.sessions.update(session.revoke(clock.now()))


async def create_account(identity: IdentityStore, clock: Clock, email: str) -> Account:
    """An account for ``email`` (the CLI's bootstrap, an owner adding a member); the existing
    one when the address has an account already."""
    address = normalise_email(email)
    async with identity.transaction() as uow:
        found = await uow.accounts.find_by_email(address)
        if found is not None:
            return found
        account = Account(id=new_account_id(), email=address, created_at=clock.now())
        try:
            await uow.accounts.add(account)
        except Conflict:
            # Created meanwhile by a concurrent first sign-in: that one is the account.
            found = await uow.accounts.find_by_email(address)
            if found is None:
                raise
            return found
    return account
