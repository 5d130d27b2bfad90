-- 0002: credential generations (rollback protection).
--
-- Runs as shopmcp_owner inside one transaction, like 0001.
--
-- Every sealing of a credential has a generation: 1 when first stored, one more on every
-- re-seal (a provider rotation). The envelope (version 2) binds it into its associated data;
-- the connection row records the current one, and the vault refuses a sealing of a lower
-- generation than that record. So an older sealing written back into the credential row (a
-- rolled-back token) does not open, and neither does one whose generation number was raised.
-- Rows stored before this migration are version 1 envelopes: generation 1, the default.

ALTER TABLE shopmcp.credentials
    ADD COLUMN generation integer NOT NULL DEFAULT 1 CHECK (generation > 0),
    -- A version 1 envelope does not bind a generation, so it can only ever be generation 1.
    ADD CONSTRAINT credentials_legacy_envelope_generation
        CHECK (envelope_version > 1 OR generation = 1);

ALTER TABLE shopmcp.connections
    ADD COLUMN credential_generation integer NOT NULL DEFAULT 1
        CHECK (credential_generation > 0);
