import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENT_QUERY_PARAMETERS, parseEventQuery, queryPairs } from '../../../services/query/index.js';
import type { VocabularyKind } from '../../../services/storage/index.js';
import { TestLedger } from '../../support/ledger.js';
import { CASE1, captures, FARM, LOT1, PALLET, supplyChain } from '../../support/supply-chain.js';

/**
 * A version 4 event index, as that schema wrote it: strings as text. Built here from a version 5
 * index (the inverse of the migration), so the test starts from the layout a deployed node holds.
 */
function downgradeToVersion4(file: string): void {
  const db = new Database(file);
  const term = (column: string) => `(SELECT term FROM terms WHERE id = ${column})`;
  db.exec(`
    CREATE TABLE event_index_v4 (seq INTEGER PRIMARY KEY, event_id TEXT NOT NULL UNIQUE, type TEXT NOT NULL,
      event_time INTEGER NOT NULL, record_time INTEGER NOT NULL, action TEXT, biz_step TEXT, disposition TEXT,
      read_point TEXT, biz_location TEXT, error_declaration INTEGER NOT NULL, height INTEGER NOT NULL,
      tx_idx INTEGER NOT NULL, doc_event INTEGER NOT NULL, org TEXT NOT NULL);
    INSERT INTO event_index_v4 SELECT seq, event_id, ${term('type')}, event_time, record_time, action,
      ${term('biz_step')}, ${term('disposition')}, ${term('read_point')}, ${term('biz_location')},
      error_declaration, height, tx_idx, doc_event, org FROM event_index;
    CREATE TABLE event_ids_v4 (id_key TEXT NOT NULL, role TEXT NOT NULL, seq INTEGER NOT NULL,
      PRIMARY KEY (id_key, role, seq)) WITHOUT ROWID;
    INSERT INTO event_ids_v4 SELECT ${term('x.term')}, x.role, x.seq FROM event_ids x;
    DROP TABLE event_index; DROP TABLE event_ids; DROP TABLE terms;
    ALTER TABLE event_index_v4 RENAME TO event_index; ALTER TABLE event_ids_v4 RENAME TO event_ids;
    CREATE INDEX event_index_by_event_time ON event_index (event_time, seq);
    CREATE INDEX event_index_by_record_time ON event_index (record_time, seq);
    CREATE INDEX event_index_by_type ON event_index (type, seq);
    CREATE INDEX event_index_by_biz_step ON event_index (biz_step, seq);
    CREATE INDEX event_index_by_disposition ON event_index (disposition, seq);
    CREATE INDEX event_index_by_read_point ON event_index (read_point, seq);
    CREATE INDEX event_index_by_biz_location ON event_index (biz_location, seq);
    CREATE INDEX event_ids_by_seq ON event_ids (seq, role);
    UPDATE meta SET value = '4' WHERE key = 'schemaVersion';
  `);
  db.close();
}

const SEARCHES = [
  '',
  'eventType=AggregationEvent|TransformationEvent',
  'EQ_bizStep=shipping|receiving',
  'EQ_disposition=in_transit',
  `EQ_bizLocation=${encodeURIComponent(FARM)}`,
  `EQ_readPoint=${encodeURIComponent(FARM)}`,
  `MATCH_anyEPC=${encodeURIComponent(PALLET)}`,
  `MATCH_epc=${encodeURIComponent(CASE1)}`,
  `MATCH_anyEPCClass=${encodeURIComponent(LOT1)}`,
  'MATCH_anyEPC=urn:epc:idpat:sgtin:0614141.107346.*',
];
const KINDS: VocabularyKind[] = ['epcs', 'bizSteps', 'bizLocations', 'readPoints', 'dispositions'];

/** What the index answers: each search's events, each member's vocabularies and event types, each event's identifiers. */
function answers(ledger: TestLedger, orgs: readonly string[]) {
  const reader = ledger.store.index.reader;
  const events = SEARCHES.map((search) => {
    const parsed = parseEventQuery(queryPairs(search, EVENT_QUERY_PARAMETERS), '/events', 'org-a');
    return reader.events({ ...parsed.request, limit: 1000 }).events.map((e) => e.eventID);
  });
  const vocabularies = orgs.map((org) => [
    ...KINDS.map((kind) => reader.vocabulary(org, kind, 100, '')),
    reader.eventTypes(org),
  ]);
  const traced = events[0]?.map((id) => reader.event(reader.seqOf(id) ?? -1)?.ids);
  return { events, vocabularies, traced };
}

function shipped(ledger: TestLedger): string[] {
  const parsed = parseEventQuery(
    queryPairs('EQ_bizStep=shipping', EVENT_QUERY_PARAMETERS),
    '/events',
    'org-a',
  );
  return ledger.store.index.reader.events({ ...parsed.request, limit: 1000 }).events.map((e) => e.eventID);
}

let ledger: TestLedger;
let orgs: string[];

beforeAll(() => {
  const chain = supplyChain('1');
  const all = captures(chain);
  orgs = [...new Set(all.map((c) => c.org))];
  ledger = new TestLedger();
  for (const c of all) ledger.commit(c);
});

afterAll(() => ledger.destroy());

describe('schema 4 to 5: the event index carried over to terms', () => {
  it('answers every query, vocabulary and trace step as before, and the node goes on indexing', () => {
    const before = answers(ledger, orgs);
    const shippedBefore = shipped(ledger);
    expect(shippedBefore).toHaveLength(1);
    // Every search finds something, so a migration that lost a column could not pass.
    for (const [i, found] of before.events.entries()) expect(found.length, SEARCHES[i]).toBeGreaterThan(0);
    const file = join(ledger.dir, 'ledger.sqlite');
    ledger.store.close();
    downgradeToVersion4(file);
    const v4 = new Database(file, { readonly: true });
    expect(v4.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'terms'").get()).toEqual({
      n: 0,
    });
    v4.close();

    ledger.reopen();
    expect(answers(ledger, orgs)).toEqual(before);
    const db = new Database(file, { readonly: true });
    expect(db.prepare("SELECT value FROM meta WHERE key = 'schemaVersion'").get()).toEqual({ value: '5' });
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name LIKE '%_v4'").get()).toEqual({
      n: 0,
    });
    db.close();

    // New events are indexed on the migrated tables, their terms beside the carried-over ones.
    const next = supplyChain('2');
    for (const c of captures(next)) ledger.commit(c);
    expect(shipped(ledger)).toEqual([...shippedBefore, next.shipping.eventID]);
  });
});
