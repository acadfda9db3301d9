import type Database from 'better-sqlite3';
import type { PersistedState, Proposal, Vote } from '../consensus/index.js';
import { type Block, headerHash } from '../ledger/index.js';
import { StorageError, StorageErrorCode } from './errors.js';

/** A block as the state row holds it: its header hash, the key of its row in consensus_blocks. */
type BlockRef = string;

type StoredMessage = Vote | (Omit<Proposal, 'block'> & { block: BlockRef });

interface StateRow extends Omit<PersistedState, 'lockedBlock' | 'validBlock' | 'sent'> {
  lockedBlock: BlockRef | null;
  validBlock: BlockRef | null;
  sent: StoredMessage[];
}

function prepare(db: Database.Database) {
  return {
    getState: db.prepare<[], { state: string }>('SELECT state FROM consensus_state WHERE id = 1'),
    putState: db.prepare('INSERT OR REPLACE INTO consensus_state (id, state) VALUES (1, ?)'),
    blocks: db.prepare<[], { hash: string; height: number }>('SELECT hash, height FROM consensus_blocks'),
    block: db.prepare<[string], { block: string }>('SELECT block FROM consensus_blocks WHERE hash = ?'),
    putBlock: db.prepare('INSERT OR IGNORE INTO consensus_blocks (hash, height, block) VALUES (?, ?, ?)'),
    deleteBlock: db.prepare('DELETE FROM consensus_blocks WHERE hash = ?'),
  };
}

/**
 * The consensus core's PersistedState on disk. The core persists the whole state before every
 * message it signs, and the state holds up to three references to the height's candidate block
 * (lockedBlock, validBlock, the own proposal), each with every transaction. Serialising and
 * fsyncing that block on every persist cost more than the rest of the state many times over, so
 * each distinct block is written once, in consensus_blocks keyed by header hash, and the state row
 * refers to it. A repeated persist of a block already written costs one map lookup.
 *
 * Blocks of heights below the persisted state's height (so at or below the committed tip) are
 * deleted by the persist that moves past them, in the same transaction as the state row, so a
 * state row on disk never refers to a block that is gone. Why not in the block's commit
 * transaction: the state row of the committed height still refers to them then, and a restart
 * right after reads that row (and the core ignores it, but it must still be readable).
 */
export class ConsensusStateStore {
  private readonly q: ReturnType<typeof prepare>;
  /** Header hash → height of every block in consensus_blocks; only committed writes enter it. */
  private readonly written = new Map<string, number>();
  /** Header hashes of blocks already seen, so a repeated persist does not hash the header again. */
  private readonly hashes = new WeakMap<Block, string>();

  constructor(private readonly db: Database.Database) {
    this.q = prepare(db);
    for (const row of this.q.blocks.all()) this.written.set(row.hash, row.height);
  }

  /** One transaction: new blocks, the blocks left behind, and the state row that refers to them. */
  save(state: PersistedState): void {
    const fresh = new Map<string, Block>();
    const referenced = new Set<string>();
    const ref = (block: Block): string => {
      const hash = this.hashOf(block);
      referenced.add(hash);
      if (!this.written.has(hash)) fresh.set(hash, block);
      return hash;
    };
    const row: StateRow = {
      ...state,
      lockedBlock: state.lockedBlock === null ? null : ref(state.lockedBlock),
      validBlock: state.validBlock === null ? null : ref(state.validBlock),
      sent: state.sent.map((m): StoredMessage => (m.type === 'proposal' ? { ...m, block: ref(m.block) } : m)),
    };
    const stale = [...this.written]
      .filter(([hash, height]) => height < state.height && !referenced.has(hash))
      .map(([hash]) => hash);
    this.db.transaction(() => {
      for (const [hash, block] of fresh)
        this.q.putBlock.run(hash, block.header.height, JSON.stringify(block));
      for (const hash of stale) this.q.deleteBlock.run(hash);
      this.q.putState.run(JSON.stringify(row));
    })();
    for (const [hash, block] of fresh) this.written.set(hash, block.header.height);
    for (const hash of stale) this.written.delete(hash);
  }

  /** The state exactly as it was saved, blocks and all; null before the first save. */
  load(): PersistedState | null {
    const found = this.q.getState.get();
    if (!found) return null;
    const row = JSON.parse(found.state) as StateRow;
    const blocks = new Map<string, Block>();
    const resolve = (ref: BlockRef): Block => {
      let block = blocks.get(ref);
      if (!block) {
        const stored = this.q.block.get(ref)?.block;
        if (stored === undefined) {
          throw new StorageError(
            StorageErrorCode.Corrupt,
            `consensus state refers to candidate block ${ref.slice(0, 12)}…, which is not stored`,
          );
        }
        block = JSON.parse(stored) as Block;
        blocks.set(ref, block);
      }
      return block;
    };
    return {
      ...row,
      lockedBlock: row.lockedBlock === null ? null : resolve(row.lockedBlock),
      validBlock: row.validBlock === null ? null : resolve(row.validBlock),
      sent: row.sent.map((m) => (m.type === 'proposal' ? { ...m, block: resolve(m.block) } : m)),
    };
  }

  private hashOf(block: Block): string {
    let hash = this.hashes.get(block);
    if (hash === undefined) {
      hash = headerHash(block.header);
      this.hashes.set(block, hash);
    }
    return hash;
  }
}
