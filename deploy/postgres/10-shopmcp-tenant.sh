#!/bin/sh
# Run once by the postgres image when it initialises an empty volume: the runtime's login role,
# with a password (the image's host connections ask for one). `shopmcp` creates the owner role,
# the schema and the grants itself on first start and keeps this role NOBYPASSRLS.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v tenant_password="$SHOPMCP_TENANT_PASSWORD" <<'SQL'
CREATE ROLE shopmcp_tenant LOGIN PASSWORD :'tenant_password'
  NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS NOINHERIT NOREPLICATION;
SQL
