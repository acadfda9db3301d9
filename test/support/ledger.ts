import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSigner, generateSeed } from '../../services/crypto/index.js';
import { executeBlock } from '../../services/execution/index.js';
import { type Block, headerHash, signTx, txRootOf } from '../../services/ledger/index.js';
import { Store } from '../../services/storage/index.js';

const IDENTITY = { network: 'n', genesisHash: 'aa'.repeat(32), genesisTimestamp: 1_000 };
/** recordTime of block h is BASE_TIME + h seconds. */
export const BASE_TIME = Date.parse('2026-04-20T00:00:00Z');

export type TestEvent = Record<string, unknown> & { eventID: string; type: string };

/** A store in a temp directory, filled with real blocks: signed captures, executed and committed. */
export class TestLedger {
  readonly dir = mkdtempSync(join(tmpdir(), 'waybill-ledger-'));
  store = Store.open(this.dir, IDENTITY);
  private readonly signer = createSigner(generateSeed());

  /** Commits one block of one capture per entry (`proceed`); the same events again need another submitter. */
  commit(...captures: Array<{ org: string; events: TestEvent[]; submitter?: string }>): number {
    const tip = this.store.tip();
    const height = tip.height + 1;
    const txs = captures.map(({ org, events, submitter }) =>
      signTx(
        {
          kind: 'capture',
          network: 'n',
          org,
          submitter: submitter ?? `${org}-erp`,
          errorBehaviour: 'proceed',
          document: { epcisBody: { eventList: events } },
        },
        this.signer,
      ),
    );
    const block: Block = {
      header: {
        network: 'n',
        height,
        view: 0,
        parentHash: tip.hash,
        txRoot: txRootOf(txs),
        txCount: txs.length,
        proposer: 'a',
        timestamp: BASE_TIME + height * 1000,
      },
      txs,
    };
    const hash = headerHash(block.header);
    const certificate = { height, round: 0, blockHash: hash, signatures: [] };
    this.store.commitBlock({ hash, block, certificate }, executeBlock(block, this.store));
    return height;
  }

  reopen(): void {
    this.store.close();
    this.store = Store.open(this.dir, IDENTITY);
  }

  destroy(): void {
    this.store.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
