import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { AppliedBlock, BlockApplier } from '../chain/index.js';
import { ErrorCode, WaybillError } from '../common/index.js';
import type { Genesis } from '../config/index.js';
import type { CommittedBlock } from '../ledger/index.js';
import type { StoreIdentity } from '../storage/index.js';
import type { HeapFigures } from './heap.js';

/** What the main thread asks of the block writer thread. */
export type WriterRequest = { type: 'apply'; id: number; committed: CommittedBlock } | { type: 'close' };

/** Its answers, one per request. */
export type WriterReply =
  /** `heap`: the thread's V8 heap after the block (the node's metrics show it). */
  | { type: 'applied'; id: number; applied: AppliedBlock; heap: HeapFigures }
  | { type: 'failed'; id: number; error: { message: string; code: string | undefined } }
  | { type: 'closed' }
  /** Sent once, when the thread has loaded and can apply blocks at once. */
  | { type: 'ready'; heap: HeapFigures };

/**
 * Committed blocks executed and stored on a worker thread (block-writer-thread.ts) with its own
 * connection to the ledger, so the event loop that answers HTTP stays free while a block applies:
 * a block of 100,000 identifiers takes seconds to execute and write. One block at a time, in the
 * order given (the consensus driver waits for each before the next height).
 */
export class BlockWriter implements BlockApplier {
  private readonly worker: Worker;
  private readonly waiting = new Map<
    number,
    { resolve: (a: AppliedBlock) => void; reject: (e: unknown) => void }
  >();
  private nextId = 1;
  private failure: unknown;
  private lastHeap: HeapFigures | undefined;
  private closed: Promise<void> | undefined;
  /** The latest block handed over, settled either way: close waits for it. */
  private last: Promise<void> = Promise.resolve();
  private readonly started: { resolve: () => void; reject: (err: unknown) => void } = {
    resolve: () => {},
    reject: () => {},
  };
  /**
   * Settles once the thread has loaded its modules and compiled the rules in force, or failed to.
   * The node waits for it before its consensus starts: on a busy machine a thread's start takes
   * seconds of CPU, and paid inside the first block's apply it held every node's first heights
   * while captures piled up into ever larger blocks (issue 18: a fresh seven-node network
   * committed a third of what the same network committed a minute later).
   */
  readonly ready: Promise<void> = new Promise<void>((resolve, reject) => {
    this.started.resolve = resolve;
    this.started.reject = reject;
  });

  constructor(options: { dataDir: string; identity: StoreIdentity; genesis: Genesis }) {
    // Marked handled: a node that stops before awaiting it must not crash on its rejection.
    this.ready.catch(() => {});
    this.worker = new Worker(threadFile(), { workerData: options });
    this.worker.on('message', (reply: WriterReply) => this.settle(reply));
    this.worker.on('error', (err) => this.fail(err));
    this.worker.on('exit', (code) => {
      if (!this.closed) this.fail(new Error(`the block writer thread exited (code ${code})`));
    });
  }

  apply(committed: CommittedBlock): Promise<AppliedBlock> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (this.closed) return Promise.reject(new Error('the block writer is closed'));
    const id = this.nextId++;
    const applied = new Promise<AppliedBlock>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ type: 'apply', id, committed } satisfies WriterRequest);
    });
    this.last = applied.then(
      () => undefined,
      () => undefined,
    );
    return applied;
  }

  /** Lets the block being applied finish, closes the thread's connection, ends the thread. */
  close(): Promise<void> {
    this.closed ??= (async () => {
      await this.last;
      if (this.failure === undefined) {
        const closed = new Promise<void>((done) => {
          this.worker.on('message', (reply: WriterReply) => reply.type === 'closed' && done());
          this.worker.once('exit', () => done());
        });
        this.worker.postMessage({ type: 'close' } satisfies WriterRequest);
        await closed;
      }
      await this.worker.terminate();
    })();
    return this.closed;
  }

  /** The thread's V8 heap as it last reported it (when ready, then after each block). */
  heap(): HeapFigures | undefined {
    return this.lastHeap;
  }

  private settle(reply: WriterReply): void {
    if (reply.type === 'ready' || reply.type === 'applied') this.lastHeap = reply.heap;
    if (reply.type === 'ready') {
      this.started.resolve();
      return;
    }
    if (reply.type === 'closed') return;
    const waiter = this.waiting.get(reply.id);
    if (!waiter) return;
    this.waiting.delete(reply.id);
    if (reply.type === 'applied') waiter.resolve(reply.applied);
    else waiter.reject(errorOf(reply.error));
  }

  private fail(err: unknown): void {
    this.failure ??= err;
    this.started.reject(err);
    for (const { reject } of this.waiting.values()) reject(err);
    this.waiting.clear();
  }
}

/** A failure in the thread, as the error it was: a WaybillError keeps its stable code. */
function errorOf({ message, code }: { message: string; code: string | undefined }): Error {
  const known = Object.values(ErrorCode) as string[];
  if (code !== undefined && known.includes(code)) return new WaybillError(code as ErrorCode, message);
  return Object.assign(new Error(message), code === undefined ? {} : { code });
}

/**
 * The thread's module beside this one. The node runs from the build (dist/); a test that runs
 * the TypeScript sources in process finds the thread in the build too (vitest's global setup
 * builds it), since a worker thread cannot load TypeScript.
 */
function threadFile(): URL {
  const here = new URL('./block-writer-thread.js', import.meta.url);
  if (existsSync(fileURLToPath(here))) return here;
  return new URL('../../dist/services/node/block-writer-thread.js', import.meta.url);
}
