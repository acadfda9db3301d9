import type Database from 'better-sqlite3';
import { EVENT_INDEX_SCHEMA } from './event-index.js';

/** The indexes of the version 4 event index, which leave with their renamed tables otherwise. */
const V4_INDEXES = [
  'event_index_by_event_time',
  'event_index_by_record_time',
  'event_index_by_type',
  'event_index_by_biz_step',
  'event_index_by_disposition',
  'event_index_by_read_point',
  'event_index_by_biz_location',
  'event_ids_by_seq',
];

/**
 * Carries a version 4 ledger to version 5 in one transaction: the event index's strings become
 * terms (event-index.ts). Only the node's own read model changes; blocks, events and everything
 * hashed stay as they are, so a member upgrades its node without the consortium starting anew.
 * Terms are numbered in text order, the rows keep their seq.
 */
export function migrateToTerms(db: Database.Database): void {
  db.transaction(() => {
    for (const index of V4_INDEXES) db.exec(`DROP INDEX IF EXISTS ${index}`);
    db.exec(
      'ALTER TABLE event_index RENAME TO event_index_v4; ALTER TABLE event_ids RENAME TO event_ids_v4;',
    );
    db.exec(EVENT_INDEX_SCHEMA);
    db.exec(`
      INSERT INTO terms (term)
        SELECT type FROM event_index_v4 UNION SELECT biz_step FROM event_index_v4 WHERE biz_step IS NOT NULL
        UNION SELECT disposition FROM event_index_v4 WHERE disposition IS NOT NULL
        UNION SELECT read_point FROM event_index_v4 WHERE read_point IS NOT NULL
        UNION SELECT biz_location FROM event_index_v4 WHERE biz_location IS NOT NULL
        UNION SELECT id_key FROM event_ids_v4 ORDER BY 1;
      INSERT INTO event_index (seq, event_id, type, event_time, record_time, action, biz_step, disposition,
          read_point, biz_location, error_declaration, height, tx_idx, doc_event, org)
        SELECT o.seq, o.event_id, (SELECT id FROM terms WHERE term = o.type), o.event_time, o.record_time,
          o.action, (SELECT id FROM terms WHERE term = o.biz_step), (SELECT id FROM terms WHERE term = o.disposition),
          (SELECT id FROM terms WHERE term = o.read_point), (SELECT id FROM terms WHERE term = o.biz_location),
          o.error_declaration, o.height, o.tx_idx, o.doc_event, o.org
        FROM event_index_v4 o ORDER BY o.seq;
      INSERT INTO event_ids (term, role, seq)
        SELECT t.id, o.role, o.seq FROM event_ids_v4 o JOIN terms t ON t.term = o.id_key;
      DROP TABLE event_index_v4;
      DROP TABLE event_ids_v4;
      UPDATE meta SET value = '5' WHERE key = 'schemaVersion';
    `);
  })();
}
