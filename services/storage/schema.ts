/**
 * Schema version 1. Accepted events own their eventID; rejections are kept apart so that a
 * rejected event can be captured again once it is fixed.
 */
export const SCHEMA_VERSION = 1;

export const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS blocks (
  height INTEGER PRIMARY KEY,
  hash TEXT NOT NULL UNIQUE,
  header TEXT NOT NULL,
  certificate TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS txs (
  id TEXT PRIMARY KEY,
  height INTEGER NOT NULL,
  idx INTEGER NOT NULL,
  org TEXT NOT NULL,
  submitter TEXT NOT NULL,
  body TEXT NOT NULL,
  signature TEXT NOT NULL,
  success INTEGER NOT NULL,
  errors TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS txs_by_height ON txs (height, idx);
CREATE TABLE IF NOT EXISTS events (
  event_id TEXT PRIMARY KEY,
  tx_id TEXT NOT NULL,
  height INTEGER NOT NULL,
  body TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS rejections (
  event_id TEXT NOT NULL,
  tx_id TEXT NOT NULL,
  height INTEGER NOT NULL,
  code TEXT NOT NULL,
  message TEXT NOT NULL,
  PRIMARY KEY (event_id, tx_id)
);
CREATE INDEX IF NOT EXISTS rejections_by_height ON rejections (height);
CREATE TABLE IF NOT EXISTS evidence (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  member TEXT NOT NULL,
  height INTEGER NOT NULL,
  round INTEGER NOT NULL,
  reported_by TEXT NOT NULL,
  tx_id TEXT NOT NULL,
  block_height INTEGER NOT NULL,
  body TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS consensus_state (id INTEGER PRIMARY KEY CHECK (id = 1), state TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS pending_txs (id TEXT PRIMARY KEY, tx TEXT NOT NULL, seq INTEGER NOT NULL);
`;
