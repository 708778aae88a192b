-- Down-sampling pyramid: per (run, key) and level L, tile T covers steps [T·2^L, (T+1)·2^L). Each tile keeps
-- its count, first, last, lowest and highest point, so a chart of a 1,000,000-point history reads a few
-- hundred tiles instead of scanning the history. Levels: 8, 11, 14, 17. NaN points are not tiled.
CREATE TABLE metric_tiles (
  run_uuid   TEXT NOT NULL,
  key        TEXT NOT NULL,
  level      INTEGER NOT NULL,
  tile       INTEGER NOT NULL,
  n          INTEGER NOT NULL,
  min_v REAL NOT NULL, min_step INTEGER NOT NULL, min_ts INTEGER NOT NULL,
  max_v REAL NOT NULL, max_step INTEGER NOT NULL, max_ts INTEGER NOT NULL,
  first_v REAL NOT NULL, first_step INTEGER NOT NULL, first_ts INTEGER NOT NULL,
  last_v REAL NOT NULL, last_step INTEGER NOT NULL, last_ts INTEGER NOT NULL,
  PRIMARY KEY (run_uuid, key, level, tile)
) WITHOUT ROWID;

-- Backfill from existing histories (one pass per level).
INSERT INTO metric_tiles
SELECT g.run_uuid, g.key, g.level, g.tile, g.n,
  g.min_v, (SELECT step FROM metrics m WHERE m.run_uuid = g.run_uuid AND m.key = g.key AND m.is_nan = 0 AND (m.step >> g.level) = g.tile AND m.value = g.min_v LIMIT 1), 0,
  g.max_v, (SELECT step FROM metrics m WHERE m.run_uuid = g.run_uuid AND m.key = g.key AND m.is_nan = 0 AND (m.step >> g.level) = g.tile AND m.value = g.max_v LIMIT 1), 0,
  (SELECT value FROM metrics m WHERE m.run_uuid = g.run_uuid AND m.key = g.key AND m.is_nan = 0 AND m.step = g.first_step LIMIT 1), g.first_step, 0,
  (SELECT value FROM metrics m WHERE m.run_uuid = g.run_uuid AND m.key = g.key AND m.is_nan = 0 AND m.step = g.last_step LIMIT 1), g.last_step, 0
FROM (
  SELECT run_uuid, key, l.level, step >> l.level AS tile, count(*) AS n, min(value) AS min_v, max(value) AS max_v,
         min(step) AS first_step, max(step) AS last_step
  FROM metrics CROSS JOIN (SELECT 8 AS level UNION ALL SELECT 11 UNION ALL SELECT 14 UNION ALL SELECT 17) l
  WHERE is_nan = 0
  GROUP BY run_uuid, key, l.level, tile
) g;

-- NaN points are rare and always shown: a partial index finds them without scanning the history.
CREATE INDEX metrics_nan ON metrics (run_uuid, key, step) WHERE is_nan = 1;
