"""The people tables of migration 0006 on PostgreSQL: a dump holds no session token and no
sign-in code, and the tenant role reaches a person's rows only by naming them (a token's hash,
an address, an account), cannot make itself staff, and cannot rewrite a session's token."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import asyncpg
import pytest
import pytest_asyncio

from shopmcp_adapters.clock import SystemClock
from shopmcp_adapters.memory import OutboxMailer
from shopmcp_adapters.postgres import Database, tenant_url_from
from shopmcp_domain.accounts import AuthSecret, hash_session_token
from shopmcp_domain.services import sign_in
from tests.integration.vault.test_postgres import dump_forms

pytestmark = pytest.mark.integration

SECRET = AuthSecret(b"auth-secret-for-the-integration-tests-0123")


async def _signed_in(database: Database, email: str) -> tuple[str, str]:
    """(session token, the code that opened it), through the real store."""
    mailer = OutboxMailer()
    clock = SystemClock()
    await sign_in.request_code(database.identity, mailer, clock, SECRET, email, signup_open=True)
    code = mailer.sent[-1].text.split("code is ", 1)[1][:8]
    _, issued = await sign_in.redeem_code(
        database.identity, clock, SECRET, email, code, signup_open=True
    )
    resolved = await sign_in.resolve_session(database.identity, clock, issued.token)
    assert resolved.account.email == email
    return issued.token, code


async def test_a_dump_holds_no_session_token_and_no_code(
    database: Database, postgres_database_url: str
) -> None:
    email = f"dump-{uuid.uuid4().hex[:8]}@example.com"
    token, code = await _signed_in(database, email)
    proc = await asyncio.create_subprocess_exec(
        "pg_dump",
        "--no-password",
        "--data-only",
        "--table=shopmcp.sessions",
        "--table=shopmcp.sign_in_codes",
        "--table=shopmcp.accounts",
        f"--dbname={postgres_database_url}",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), timeout=120)
    assert proc.returncode == 0, err.decode(errors="replace")
    dump = out.decode(errors="replace")
    # The rows are there (so the checks are not vacuous): the token's hash, the address.
    assert hash_session_token(token).hex() in dump and email in dump
    for form in dump_forms(token.encode()):
        assert form not in dump
    # An 8-digit code could occur by chance inside a hex value elsewhere: look at its own row.
    code_rows = [line for line in dump.splitlines() if email in line and "\t" in line]
    assert code_rows and all(code not in row for row in code_rows)


@pytest_asyncio.fixture(loop_scope="session")
async def tenant(
    postgres_database_url: str, database: Database
) -> AsyncIterator[asyncpg.Connection]:
    """A raw connection as shopmcp_tenant: what the dashboard's pool holds."""
    conn = await asyncpg.connect(tenant_url_from(postgres_database_url), user="shopmcp_tenant")
    try:
        yield conn
    finally:
        await conn.close()


async def test_a_persons_rows_are_reached_only_by_naming_them(
    database: Database, tenant: asyncpg.Connection
) -> None:
    email = f"rls-{uuid.uuid4().hex[:8]}@example.com"
    token, _ = await _signed_in(database, email)
    async with tenant.transaction():
        for table in ("accounts", "sessions", "sign_in_codes", "workspace_members"):
            rows = await tenant.fetch("select * from shopmcp." + table)  # constant names
            assert rows == [], table
    async with tenant.transaction():
        await tenant.execute("select set_config('app.account_email', $1, true)", email)
        emails = {r["email"] for r in await tenant.fetch("select email from shopmcp.accounts")}
        assert emails == {email}
        codes = await tenant.fetch("select email from shopmcp.sign_in_codes")
        assert {r["email"] for r in codes} == {email}
    async with tenant.transaction():
        await tenant.execute(
            "select set_config('app.session_token_hash', $1, true)",
            hash_session_token(token).hex(),
        )
        assert len(await tenant.fetch("select id from shopmcp.sessions")) == 1


@pytest.mark.parametrize(
    "statement",
    [
        "update shopmcp.accounts set is_staff = true",
        "update shopmcp.accounts set email = 'someone@example.com'",
        "delete from shopmcp.accounts",
        "update shopmcp.sessions set token_hash = '\\x00'",
        "update shopmcp.sessions set account_id = gen_random_uuid()",
        "delete from shopmcp.sessions",
        "update shopmcp.sign_in_codes set code_hash = '\\x00'",
        "update shopmcp.workspace_members set account_id = gen_random_uuid()",
        "update shopmcp.audit_log set action = 'x'",
        "delete from shopmcp.audit_log",
        "delete from shopmcp.erasure_requests",
    ],
)
async def test_the_tenant_role_cannot_rewrite_people(
    tenant: asyncpg.Connection, statement: str
) -> None:
    async with tenant.transaction():
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await tenant.execute(statement)


async def test_the_tenant_role_cannot_create_a_staff_account(tenant: asyncpg.Connection) -> None:
    email = f"staff-{uuid.uuid4().hex[:8]}@example.com"
    async with tenant.transaction():
        await tenant.execute("select set_config('app.account_email', $1, true)", email)
        with pytest.raises(asyncpg.InsufficientPrivilegeError, match="row-level security"):
            await tenant.execute(
                "insert into shopmcp.accounts (id, email, is_staff, created_at) "
                "values (gen_random_uuid(), $1, true, now())",
                email,
            )
