import type Database from 'better-sqlite3';

/**
 * What a node of a sealed network keeps beside the ledger (docs/privacy.md): the plaintext of the
 * events its organisation receives (only those; other nodes hold the commitment and the ciphertext
 * in the transaction body), with each event's seed, which disclosures need. The capture keys that
 * keep a retried capture one transaction although sealing is random are in the file of acknowledged
 * transactions (acks.ts), written with them.
 */
export const SEALED_SCHEMA = `
-- An event of a sealed capture this node's org receives, as captured; doc_event is its row in
-- doc_events, which holds its public view.
CREATE TABLE IF NOT EXISTS sealed_events (doc_event INTEGER PRIMARY KEY, body TEXT NOT NULL, seed TEXT NOT NULL);
`;

export interface HeldEvent {
  event: Record<string, unknown>;
  seed: string;
}

export class SealedStore {
  private readonly q;

  constructor(private readonly db: Database.Database) {
    db.exec(SEALED_SCHEMA);
    this.q = {
      firstEvent: db.prepare<[string], { first_event: number | null }>(
        'SELECT first_event FROM txs WHERE id = ?',
      ),
      put: db.prepare('INSERT OR REPLACE INTO sealed_events (doc_event, body, seed) VALUES (?, ?, ?)'),
      get: db.prepare<[number], { body: string; seed: string }>(
        'SELECT body, seed FROM sealed_events WHERE doc_event = ?',
      ),
      meta: db.prepare<[], { value: string }>("SELECT value FROM meta WHERE key = 'unsealedHeight'"),
      putMeta: db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('unsealedHeight', ?)"),
    };
  }

  /** Stores the opened events of committed transaction `txId` (by position) and marks `height` done. */
  putOpened(
    height: number,
    opened: ReadonlyArray<{
      txId: string;
      /** Each event opened, or as its capturer kept it: already JSON text. */
      events: ReadonlyArray<{ index: number; seed: string } & ({ event: unknown } | { text: string })>;
    }>,
  ): void {
    this.db.transaction(() => {
      for (const { txId, events } of opened) {
        const first = this.q.firstEvent.get(txId)?.first_event;
        if (first === null || first === undefined) continue;
        for (const e of events) {
          this.q.put.run(first + e.index, 'text' in e ? e.text : JSON.stringify(e.event), e.seed);
        }
      }
      this.q.putMeta.run(String(height));
    })();
  }

  /** The plaintext of the event at doc_events row `docEvent`, when this node holds it. */
  held(docEvent: number): HeldEvent | undefined {
    const row = this.q.get.get(docEvent);
    return row && { event: JSON.parse(row.body) as Record<string, unknown>, seed: row.seed };
  }

  /** The plaintext of event `index` of committed transaction `txId`, when this node holds it. */
  heldAt(txId: string, index: number): HeldEvent | undefined {
    const first = this.q.firstEvent.get(txId)?.first_event;
    return first === null || first === undefined ? undefined : this.held(first + index);
  }

  /** The last height whose sealed parts this node has opened. */
  unsealedHeight(): number {
    return Number(this.q.meta.get()?.value ?? 0);
  }
}
