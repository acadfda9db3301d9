import type { Cluster } from './cluster.js';
import { commissioningDocument, eventIdsOf } from './documents.js';

/** A capture a node acknowledged (202): from then on it may not be lost. */
export interface AcknowledgedCapture {
  org: string;
  captureID: string;
  /** `Location` of the capture job, on `org`. */
  location: string;
  eventIDs: string[];
}

export interface LoadOptions {
  /** Concurrent posting loops. Default 3. */
  workers?: number;
  /** Pause of each loop after each post. Default 150 ms. */
  intervalMs?: number;
  /** Events per document: 1 to this. Default 5. */
  maxEvents?: number;
  /** Bound of one POST. Default 5 s. */
  timeoutMs?: number;
}

export interface LoadCounts {
  posted: number;
  acknowledged: number;
  /** Answers other than 202, by status (429 and 503 included): not acknowledgements. */
  refused: Record<number, number>;
  /** No answer: connection refused or reset, or timed out. Outcome unknown, not acknowledged. */
  failed: number;
}

/**
 * A steady stream of small capture documents (1–maxEvents events with explicit eventIDs), posted
 * round-robin to the nodes that are not marked down, recording every acknowledgement.
 */
export class CaptureLoad {
  readonly acknowledged: AcknowledgedCapture[] = [];
  /** eventIDs of every document posted, acknowledged or not: nothing else may ever be committed. */
  readonly attempted = new Set<string>();
  private readonly down = new Set<string>();
  private readonly refused: Record<number, number> = {};
  private posted = 0;
  private failed = 0;
  private next = 0;
  private running = false;
  private loops: Promise<void>[] = [];
  private readonly workers: number;
  private readonly intervalMs: number;
  private readonly maxEvents: number;
  private readonly timeoutMs: number;

  constructor(
    private readonly cluster: Cluster,
    opts: LoadOptions = {},
  ) {
    this.workers = opts.workers ?? 3;
    this.intervalMs = opts.intervalMs ?? 150;
    this.maxEvents = opts.maxEvents ?? 5;
    this.timeoutMs = opts.timeoutMs ?? 5_000;
  }

  /** Stops sending to a node (it is about to be paused, or is down). */
  markDown(org: string): void {
    this.down.add(org);
  }

  markUp(org: string): void {
    this.down.delete(org);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loops = Array.from({ length: this.workers }, () => this.loop());
  }

  /** Stops posting and waits for the posts in flight to be answered (or to time out). */
  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }

  counts(): LoadCounts {
    return {
      posted: this.posted,
      acknowledged: this.acknowledged.length,
      refused: { ...this.refused },
      failed: this.failed,
    };
  }

  private target(): string | undefined {
    const nodes = this.cluster.nodes;
    for (let i = 0; i < nodes.length; i++) {
      const n = nodes[this.next++ % nodes.length];
      if (n && !this.down.has(n.org)) return n.org;
    }
    return undefined;
  }

  private async loop(): Promise<void> {
    while (this.running) {
      const org = this.target();
      if (org !== undefined) await this.post(org);
      await new Promise((r) => setTimeout(r, this.intervalMs));
    }
  }

  /** Posts one document to `org` now, whatever its mark, and records the outcome like the loops do. */
  async post(org: string): Promise<'acknowledged' | 'refused' | 'failed'> {
    const n = this.cluster.node(org);
    const count = 1 + Math.floor(Math.random() * this.maxEvents);
    const doc = commissioningDocument(count, `urn:epc:id:sgln:061414${n.index}.00001.0`);
    const eventIDs = eventIdsOf(doc);
    for (const id of eventIDs) this.attempted.add(id);
    this.posted++;
    try {
      const res = await this.cluster.request(org, '/capture', {
        method: 'POST',
        headers: { 'content-type': 'application/ld+json' },
        body: JSON.stringify(doc),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      const location = res.headers.get('location');
      await res.arrayBuffer().catch(() => undefined);
      if (res.status === 202 && location !== null) {
        const captureID = decodeURIComponent(location.slice(location.lastIndexOf('/') + 1));
        this.acknowledged.push({ org, captureID, location, eventIDs });
        return 'acknowledged';
      }
      this.refused[res.status] = (this.refused[res.status] ?? 0) + 1;
      return 'refused';
    } catch {
      this.failed++;
      return 'failed';
    }
  }
}
