-- 0009: indexes for the retention sweep (``shopmcp sweep``: shopmcp_adapters.postgres.retention).
--
-- Runs as shopmcp_owner inside one transaction. No table, policy or grant changes: the sweep
-- runs on the owner connection (its owner_all policies), and every per-workspace delete of an
-- erasure already has a primary key or index led by workspace_id. What the cross-tenant
-- passes scan without these is the whole table each time:

-- Erasure requests past the window, oldest first.
CREATE INDEX erasure_requests_requested_at ON shopmcp.erasure_requests (requested_at);

-- Ended sessions (expired, or revoked), across accounts.
CREATE INDEX sessions_expires_at ON shopmcp.sessions (expires_at);
CREATE INDEX sessions_revoked_at ON shopmcp.sessions (revoked_at) WHERE revoked_at IS NOT NULL;

-- Spent sign-in codes, across addresses.
CREATE INDEX sign_in_codes_expires_at ON shopmcp.sign_in_codes (expires_at);

-- Expired OAuth connect flows, across workspaces (0004's index leads with workspace_id).
CREATE INDEX oauth_flows_expires_at_all ON shopmcp.oauth_flows (expires_at);

-- History past retention is deleted per plan: the plan's workspaces, then each one's events
-- and entries through 0001's (workspace_id, created_at) and 0006's audit index.
CREATE INDEX workspaces_plan ON shopmcp.workspaces (plan);
