/**
 * Schema version 5 stores the event index's repeated strings once, as terms (event-index.ts):
 * a version 4 index holds them as text.
 * Version 4 adds `event_recipients` (event-index.ts): who sees each event, written at commit
 * from execution's verdicts, so a version 3 ledger has no recipients to serve by.
 * Version 3. Accepted events own their eventID; rejections are kept apart so that a
 * rejected event can be captured again once it is fixed. Version 2 added custody state, the state
 * tree, per-block roots, rule-set governance and error declarations (and block headers gained
 * their roots, so a version 1 chain cannot be carried over). Version 3 stores each captured event
 * once: in `doc_events`, out of its transaction's body, instead of in the body and again in an
 * `events` table (see tx-body.ts).
 */
/** The ledger file in a data directory (Store.open). */
export const LEDGER_FILE = 'ledger.sqlite';

export const SCHEMA_VERSION = 5;

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
  -- The signed body; of a capture, its document's eventList is empty here and its events are the
  -- doc_events rows first_event .. first_event + (number of verdicts) - 1 (tx-body.ts).
  body TEXT NOT NULL,
  first_event INTEGER,
  signature TEXT NOT NULL,
  success INTEGER NOT NULL,
  errors TEXT NOT NULL,
  -- Reason code of each event's verdict in document order (null = accepted): the verdict leaves.
  verdicts TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS txs_by_height ON txs (height, idx);
-- Every event of every committed capture document, as captured (JSON), in ledger order; the
-- accepted ones are served through event_index.doc_event (served-event.ts).
CREATE TABLE IF NOT EXISTS doc_events (id INTEGER PRIMARY KEY, body TEXT NOT NULL);
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
CREATE TABLE IF NOT EXISTS block_roots (
  height INTEGER PRIMARY KEY,
  state_root TEXT NOT NULL,
  results_root TEXT NOT NULL,
  rules_hash TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS error_declarations (
  event_id TEXT PRIMARY KEY,
  tx_id TEXT NOT NULL,
  height INTEGER NOT NULL,
  body TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS custody_objects (id TEXT PRIMARY KEY, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS custody_balances (id TEXT PRIMARY KEY, quantity REAL NOT NULL);
CREATE TABLE IF NOT EXISTS custody_alerts (seq INTEGER PRIMARY KEY, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS state_leaves (
  key TEXT PRIMARY KEY,
  bucket INTEGER NOT NULL,
  key_hash BLOB NOT NULL,
  leaf_hash BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS state_leaves_by_bucket ON state_leaves (bucket, key_hash);
CREATE TABLE IF NOT EXISTS state_buckets (bucket INTEGER PRIMARY KEY, hash BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS rule_sets (
  hash TEXT PRIMARY KEY,
  files TEXT NOT NULL,
  proposer TEXT NOT NULL,
  proposed_height INTEGER NOT NULL,
  approvals TEXT NOT NULL,
  activation_height INTEGER,
  activation_seq INTEGER
);
CREATE TABLE IF NOT EXISTS consensus_state (id INTEGER PRIMARY KEY CHECK (id = 1), state TEXT NOT NULL);
-- Candidate blocks the consensus state refers to by header hash, each written once (consensus-state.ts).
CREATE TABLE IF NOT EXISTS consensus_blocks (hash TEXT PRIMARY KEY, height INTEGER NOT NULL, block TEXT NOT NULL);
-- This node's acknowledged transactions and capture keys are in a file of their own (acks.ts).
`;
