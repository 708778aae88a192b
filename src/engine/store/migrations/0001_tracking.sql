-- Tracking store: experiments, runs, params, metric histories, tags, datasets, logged models.
CREATE TABLE experiments (
  experiment_id     INTEGER PRIMARY KEY AUTOINCREMENT,
  name              TEXT NOT NULL UNIQUE,
  artifact_location TEXT NOT NULL,
  lifecycle_stage   TEXT NOT NULL DEFAULT 'active' CHECK (lifecycle_stage IN ('active', 'deleted')),
  creation_time     INTEGER NOT NULL,
  last_update_time  INTEGER NOT NULL
);
CREATE TABLE experiment_tags (
  experiment_id INTEGER NOT NULL REFERENCES experiments(experiment_id) ON DELETE CASCADE,
  key           TEXT NOT NULL,
  value         TEXT NOT NULL,
  PRIMARY KEY (experiment_id, key)
) WITHOUT ROWID;

CREATE TABLE runs (
  run_uuid        TEXT PRIMARY KEY,
  experiment_id   INTEGER NOT NULL REFERENCES experiments(experiment_id),
  name            TEXT NOT NULL DEFAULT '',
  user_id         TEXT NOT NULL DEFAULT '',
  status          TEXT NOT NULL DEFAULT 'RUNNING'
                  CHECK (status IN ('RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED')),
  start_time      INTEGER NOT NULL,
  end_time        INTEGER,
  lifecycle_stage TEXT NOT NULL DEFAULT 'active' CHECK (lifecycle_stage IN ('active', 'deleted')),
  deleted_time    INTEGER,
  artifact_uri    TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX runs_by_experiment ON runs (experiment_id, lifecycle_stage, start_time DESC);

CREATE TABLE params (
  run_uuid TEXT NOT NULL REFERENCES runs(run_uuid) ON DELETE CASCADE,
  key      TEXT NOT NULL,
  value    TEXT NOT NULL,
  PRIMARY KEY (run_uuid, key)
) WITHOUT ROWID;
CREATE INDEX params_by_key ON params (key, value);

CREATE TABLE tags (
  run_uuid TEXT NOT NULL REFERENCES runs(run_uuid) ON DELETE CASCADE,
  key      TEXT NOT NULL,
  value    TEXT NOT NULL,
  PRIMARY KEY (run_uuid, key)
) WITHOUT ROWID;
CREATE INDEX tags_by_key ON tags (key, value);

-- Full metric history, append-only, clustered by (run, key, step) so a history or a down-sampled
-- range is one contiguous scan. NaN cannot live in a REAL column (SQLite turns it into NULL), so it is
-- stored as value 0 + is_nan 1; ±Infinity are REAL infinities. As in MLflow, logging the exact same
-- (key, step, timestamp, value) twice keeps one row.
CREATE TABLE metrics (
  run_uuid  TEXT NOT NULL,
  key       TEXT NOT NULL,
  step      INTEGER NOT NULL,
  timestamp INTEGER NOT NULL,
  value     REAL NOT NULL,
  is_nan    INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (run_uuid, key, step, timestamp, value, is_nan)
) WITHOUT ROWID;

-- Latest value per (run, key) by MLflow's rule (max step, then max timestamp, then max value).
CREATE TABLE latest_metrics (
  run_uuid  TEXT NOT NULL REFERENCES runs(run_uuid) ON DELETE CASCADE,
  key       TEXT NOT NULL,
  step      INTEGER NOT NULL,
  timestamp INTEGER NOT NULL,
  value     REAL NOT NULL,
  is_nan    INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (run_uuid, key)
) WITHOUT ROWID;
CREATE INDEX latest_metrics_by_key ON latest_metrics (key, value);

CREATE TABLE datasets (
  dataset_uuid  TEXT PRIMARY KEY,
  experiment_id INTEGER NOT NULL REFERENCES experiments(experiment_id),
  name          TEXT NOT NULL,
  digest        TEXT NOT NULL,
  source_type   TEXT NOT NULL,
  source        TEXT NOT NULL,
  schema        TEXT,
  profile       TEXT,
  UNIQUE (experiment_id, name, digest)
);
CREATE TABLE run_inputs (
  run_uuid     TEXT NOT NULL REFERENCES runs(run_uuid) ON DELETE CASCADE,
  dataset_uuid TEXT NOT NULL REFERENCES datasets(dataset_uuid),
  tags         TEXT NOT NULL DEFAULT '[]',
  PRIMARY KEY (run_uuid, dataset_uuid)
) WITHOUT ROWID;

CREATE TABLE logged_models (
  model_id          TEXT PRIMARY KEY,
  experiment_id     INTEGER NOT NULL REFERENCES experiments(experiment_id),
  name              TEXT NOT NULL,
  artifact_uri      TEXT NOT NULL,
  creation_time     INTEGER NOT NULL,
  last_updated_time INTEGER NOT NULL,
  source_run_id     TEXT,
  status            TEXT NOT NULL DEFAULT 'LOGGED_MODEL_PENDING',
  status_message    TEXT,
  model_type        TEXT,
  lifecycle_stage   TEXT NOT NULL DEFAULT 'active'
);
CREATE INDEX logged_models_by_experiment ON logged_models (experiment_id, creation_time DESC);
CREATE TABLE logged_model_tags (
  model_id TEXT NOT NULL REFERENCES logged_models(model_id) ON DELETE CASCADE,
  key      TEXT NOT NULL,
  value    TEXT NOT NULL,
  PRIMARY KEY (model_id, key)
) WITHOUT ROWID;
CREATE TABLE logged_model_params (
  model_id TEXT NOT NULL REFERENCES logged_models(model_id) ON DELETE CASCADE,
  key      TEXT NOT NULL,
  value    TEXT NOT NULL,
  PRIMARY KEY (model_id, key)
) WITHOUT ROWID;
CREATE TABLE run_outputs (
  run_uuid TEXT NOT NULL REFERENCES runs(run_uuid) ON DELETE CASCADE,
  model_id TEXT NOT NULL,
  step     INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (run_uuid, model_id)
) WITHOUT ROWID;
