#!/bin/sh
# Run once by the postgres image when it initialises an empty volume: the two login roles the
# gateway connects as, with passwords (the image's host connections ask for one). `shopmcp`
# creates the owner role, the schema and the grants itself on first start, and checks that
# neither login role can step around Row-Level Security.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v tenant_password="$SHOPMCP_TENANT_PASSWORD" -v mcp_password="$SHOPMCP_MCP_PASSWORD" <<'SQL'
CREATE ROLE shopmcp_tenant LOGIN PASSWORD :'tenant_password'
  NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS NOINHERIT NOREPLICATION;
CREATE ROLE shopmcp_mcp LOGIN PASSWORD :'mcp_password'
  NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS NOINHERIT NOREPLICATION;
SQL
