-- Pipeline state of our own (DVC's dvc.lock and cache are never read or written): what each stage's last
-- successful run saw, a stat-keyed cache of file content hashes, and every stage execution.
-- `pipeline` is the dvc.yaml path relative to the workspace, posix separators.
CREATE TABLE pipeline_locks (
  pipeline    TEXT NOT NULL,
  stage       TEXT NOT NULL,
  lock        TEXT NOT NULL,   -- StageLock as JSON
  run_id      TEXT,
  finished_at INTEGER NOT NULL,
  PRIMARY KEY (pipeline, stage)
) WITHOUT ROWID;

-- A hit needs size, mtime (ns) and inode all equal; the file is then never re-read.
CREATE TABLE file_hashes (
  path     TEXT PRIMARY KEY,  -- absolute
  size     INTEGER NOT NULL,
  mtime_ns INTEGER NOT NULL,
  inode    INTEGER NOT NULL,
  hash     TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE stage_executions (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  pipeline    TEXT NOT NULL,
  stage       TEXT NOT NULL,
  run_id      TEXT,
  state       TEXT NOT NULL CHECK (state IN ('running', 'succeeded', 'failed', 'killed')),
  pid         INTEGER,
  started_at  INTEGER NOT NULL,
  ended_at    INTEGER,
  exit_code   INTEGER,
  error       TEXT
);
CREATE INDEX stage_executions_by_stage ON stage_executions (pipeline, stage, id);
CREATE INDEX stage_executions_running ON stage_executions (state) WHERE state = 'running';
