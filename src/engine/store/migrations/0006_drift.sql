-- Drift checks: one row per comparison of a reference and a current data set (a monitor's run or an ad-hoc
-- check that asked to be stored), the whole DriftReport as JSON, and one row per column so the history of
-- a column's statistic can be plotted without parsing reports.
CREATE TABLE drift_checks (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  monitor         TEXT,                 -- NULL for an ad-hoc check
  time            INTEGER NOT NULL,     -- ms since the epoch
  drift           INTEGER NOT NULL CHECK (drift IN (0, 1)),
  drifted_columns INTEGER NOT NULL,
  columns         INTEGER NOT NULL,
  reference       TEXT NOT NULL,        -- source labels
  current         TEXT NOT NULL,
  report          TEXT NOT NULL         -- DriftReport as JSON
);
CREATE INDEX drift_checks_by_monitor ON drift_checks (monitor, id);

CREATE TABLE drift_check_columns (
  check_id    INTEGER NOT NULL REFERENCES drift_checks (id) ON DELETE CASCADE,
  column_name TEXT NOT NULL,
  test        TEXT NOT NULL,
  statistic   REAL,                     -- NULL when no statistic could be computed (see the report's note)
  p_value     REAL,
  threshold   REAL NOT NULL,
  drift       INTEGER NOT NULL CHECK (drift IN (0, 1)),
  severity    REAL NOT NULL,
  PRIMARY KEY (check_id, column_name)
) WITHOUT ROWID;
