-- Sampled requests of local serving endpoints (inputs, outputs, latency, model version): what the drift
-- monitor reads as "current" data.
CREATE TABLE serving_requests (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  endpoint      TEXT NOT NULL,
  time          INTEGER NOT NULL,
  model_name    TEXT,
  model_version TEXT,
  latency_ms    REAL NOT NULL,
  status        INTEGER NOT NULL,
  inputs        TEXT NOT NULL,
  outputs       TEXT
);
CREATE INDEX serving_requests_by_endpoint ON serving_requests (endpoint, time);
