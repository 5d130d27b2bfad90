-- 0004: pending OAuth connect flows.
--
-- Runs as shopmcp_owner inside one transaction, like 0001, and follows its tenant-table rules.
--
-- A row is written when someone starts connecting an OAuth platform (Xero, Google) and is
-- consumed, exactly once, by the provider's redirect back to /oauth/{platform}/callback: the
-- signed state the browser carries names (workspace_id, id). The row holds the PKCE code
-- verifier sealed by the vault (envelope columns as in credentials, bound to the workspace and
-- verifier_id; generation 1), never in the clear, and consuming the flow drops them. The outcome
-- (the connection made, or why none was) stays for the CLI that waits for it; rows are purged a
-- day after they expire.

CREATE TABLE shopmcp.oauth_flows (
    workspace_id              uuid        NOT NULL
        REFERENCES shopmcp.workspaces (id) ON DELETE CASCADE,
    id                        uuid        NOT NULL,
    platform                  text        NOT NULL,
    store_ref                 text        CHECK (length(store_ref) BETWEEN 1 AND 255),
    created_at                timestamptz NOT NULL,
    expires_at                timestamptz NOT NULL,
    used_at                   timestamptz,
    verifier_id               uuid,
    verifier_ciphertext       bytea,
    verifier_nonce            bytea,
    verifier_wrapped_dek      bytea,
    verifier_kms_key_id       text,
    verifier_envelope_version smallint    CHECK (verifier_envelope_version > 0),
    completed_at              timestamptz,
    connection_ids            uuid[]      NOT NULL DEFAULT '{}',
    error                     text        CHECK (length(error) <= 1000),
    PRIMARY KEY (workspace_id, id),
    CONSTRAINT oauth_flows_expiry CHECK (expires_at > created_at),
    -- A pending flow holds its whole sealed verifier; a used one holds none of it.
    CONSTRAINT oauth_flows_verifier_until_used CHECK (
        (used_at IS NULL AND num_nulls(verifier_id, verifier_ciphertext, verifier_nonce,
            verifier_wrapped_dek, verifier_kms_key_id, verifier_envelope_version) = 0)
        OR (used_at IS NOT NULL AND num_nonnulls(verifier_id, verifier_ciphertext,
            verifier_nonce, verifier_wrapped_dek, verifier_kms_key_id,
            verifier_envelope_version) = 0)
    ),
    CONSTRAINT oauth_flows_outcome_after_use CHECK (completed_at IS NULL OR used_at IS NOT NULL)
);
-- Purging a workspace's expired flows.
CREATE INDEX oauth_flows_expires_at ON shopmcp.oauth_flows (workspace_id, expires_at);

ALTER TABLE shopmcp.oauth_flows ENABLE ROW LEVEL SECURITY;
ALTER TABLE shopmcp.oauth_flows FORCE ROW LEVEL SECURITY;

CREATE POLICY tenant_isolation ON shopmcp.oauth_flows TO shopmcp_tenant
    USING (workspace_id = NULLIF(current_setting('app.workspace_id', true), '')::uuid)
    WITH CHECK (workspace_id = NULLIF(current_setting('app.workspace_id', true), '')::uuid);
CREATE POLICY owner_all ON shopmcp.oauth_flows TO shopmcp_owner USING (true) WITH CHECK (true);

GRANT SELECT, INSERT, UPDATE, DELETE ON shopmcp.oauth_flows TO shopmcp_tenant;
