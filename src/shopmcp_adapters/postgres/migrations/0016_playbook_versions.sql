-- 0016: every saved version of a playbook is kept (issue #23: "stored per workspace,
-- versioned"). Until now an edit overwrote the row, so a usage row stamped with
-- (playbook_id, playbook_version) could name a version nobody could read back.
--
-- * playbook_versions: one row per (workspace, playbook, version), the whole definition as it
--   was stored, written in the same transaction as the playbooks row it copies (the
--   repository's add and replace). Append-only: no role but the owner may update or delete a
--   row; a restore saves an old definition as a new version.
-- * No foreign key to playbooks: like the usage rows that cite it, the history outlives a
--   deleted playbook. The foreign key to workspaces cascades, and the erasure sweep deletes
--   from it explicitly (ERASED_TABLES); plan retention does not expire it (a definition is
--   configuration, not activity, and it is what the retained usage rows refer to).
-- * Existing playbooks get their current version as their first history row (earlier ones
--   were overwritten before this migration and are lost).
--
-- A tenant table like the others: workspace_id, RLS enabled and forced, tenant_isolation,
-- owner_all, and the MCP runtime's own policies (create_playbook and delete_playbook run as
-- shopmcp_mcp since 0013: it adds versions and reads them, nothing more).
--
-- Runs as shopmcp_owner inside one transaction, like the others.

CREATE TABLE shopmcp.playbook_versions (
    workspace_id        uuid        NOT NULL
        REFERENCES shopmcp.workspaces (id) ON DELETE CASCADE,
    playbook_id         uuid        NOT NULL,
    version             integer     NOT NULL CONSTRAINT playbook_versions_version_positive
        CHECK (version >= 1),
    name                text        NOT NULL,
    description         text        NOT NULL,
    template            text        NOT NULL,
    arguments           jsonb       NOT NULL DEFAULT '[]',
    mode                text        NOT NULL CONSTRAINT playbook_versions_mode
        CHECK (mode IN ('instructions', 'tool_steps')),
    steps               jsonb       NOT NULL DEFAULT '[]' CONSTRAINT playbook_versions_steps_array
        CHECK (jsonb_typeof(steps) = 'array'),
    builtin             text,
    -- The playbook's own creation time, as the playbooks row held it then.
    playbook_created_at timestamptz NOT NULL,
    -- When this version was saved.
    created_at          timestamptz NOT NULL,
    PRIMARY KEY (workspace_id, playbook_id, version)
);

INSERT INTO shopmcp.playbook_versions (workspace_id, playbook_id, version, name, description,
                                       template, arguments, mode, steps, builtin,
                                       playbook_created_at, created_at)
SELECT workspace_id, id, version, name, description, template, arguments, mode, steps, builtin,
       created_at, COALESCE(updated_at, created_at)
  FROM shopmcp.playbooks;

ALTER TABLE shopmcp.playbook_versions ENABLE ROW LEVEL SECURITY;
ALTER TABLE shopmcp.playbook_versions FORCE ROW LEVEL SECURITY;

CREATE POLICY tenant_isolation ON shopmcp.playbook_versions TO shopmcp_tenant
    USING (workspace_id = NULLIF(current_setting('app.workspace_id', true), '')::uuid)
    WITH CHECK (workspace_id = NULLIF(current_setting('app.workspace_id', true), '')::uuid);
CREATE POLICY owner_all ON shopmcp.playbook_versions TO shopmcp_owner
    USING (true) WITH CHECK (true);
CREATE POLICY mcp_isolation ON shopmcp.playbook_versions FOR SELECT TO shopmcp_mcp
    USING (workspace_id = NULLIF(current_setting('app.workspace_id', true), '')::uuid);
CREATE POLICY mcp_insert ON shopmcp.playbook_versions FOR INSERT TO shopmcp_mcp
    WITH CHECK (workspace_id = NULLIF(current_setting('app.workspace_id', true), '')::uuid);

-- Append-only for both login roles: history is added to, never rewritten.
GRANT SELECT, INSERT ON shopmcp.playbook_versions TO shopmcp_tenant;
GRANT SELECT, INSERT ON shopmcp.playbook_versions TO shopmcp_mcp;
