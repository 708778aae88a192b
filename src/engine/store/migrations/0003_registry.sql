-- Model registry: registered models, versions (stages + aliases), tags, lineage snapshots, audit trail.
CREATE TABLE registered_models (
  name              TEXT PRIMARY KEY,
  creation_time     INTEGER NOT NULL,
  last_updated_time INTEGER NOT NULL,
  description       TEXT NOT NULL DEFAULT ''
);
CREATE TABLE registered_model_tags (
  name  TEXT NOT NULL REFERENCES registered_models(name) ON DELETE CASCADE ON UPDATE CASCADE,
  key   TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (name, key)
) WITHOUT ROWID;
CREATE TABLE model_versions (
  name              TEXT NOT NULL REFERENCES registered_models(name) ON DELETE CASCADE ON UPDATE CASCADE,
  version           INTEGER NOT NULL,
  creation_time     INTEGER NOT NULL,
  last_updated_time INTEGER NOT NULL,
  description       TEXT NOT NULL DEFAULT '',
  user_id           TEXT NOT NULL DEFAULT '',
  current_stage     TEXT NOT NULL DEFAULT 'None' CHECK (current_stage IN ('None', 'Staging', 'Production', 'Archived')),
  source            TEXT NOT NULL,
  storage_location  TEXT NOT NULL,
  run_id            TEXT,
  run_link          TEXT,
  status            TEXT NOT NULL DEFAULT 'READY' CHECK (status IN ('PENDING_REGISTRATION', 'FAILED_REGISTRATION', 'READY')),
  status_message    TEXT,
  lineage           TEXT NOT NULL DEFAULT '{}',
  PRIMARY KEY (name, version)
) WITHOUT ROWID;
CREATE INDEX model_versions_by_run ON model_versions (run_id);
CREATE TABLE model_version_tags (
  name    TEXT NOT NULL,
  version INTEGER NOT NULL,
  key     TEXT NOT NULL,
  value   TEXT NOT NULL,
  PRIMARY KEY (name, version, key),
  FOREIGN KEY (name, version) REFERENCES model_versions(name, version) ON DELETE CASCADE ON UPDATE CASCADE
) WITHOUT ROWID;
CREATE TABLE registered_model_aliases (
  name    TEXT NOT NULL,
  alias   TEXT NOT NULL,
  version INTEGER NOT NULL,
  PRIMARY KEY (name, alias),
  FOREIGN KEY (name, version) REFERENCES model_versions(name, version) ON DELETE CASCADE ON UPDATE CASCADE
) WITHOUT ROWID;
-- Every registration, transition, alias move and rollback, with who, when, from → to, why, and gate results.
CREATE TABLE registry_audit (
  id        INTEGER PRIMARY KEY AUTOINCREMENT,
  time      INTEGER NOT NULL,
  user_id   TEXT NOT NULL DEFAULT '',
  name      TEXT NOT NULL,
  version   INTEGER,
  action    TEXT NOT NULL,
  target    TEXT NOT NULL DEFAULT '',
  from_value TEXT,
  to_value  TEXT,
  reason    TEXT NOT NULL DEFAULT '',
  gates     TEXT NOT NULL DEFAULT '[]',
  overridden INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX registry_audit_by_model ON registry_audit (name, id);
