import { type Logger, WaybillError } from '../common/index.js';
import type { EpcisEvent } from '../ledger/index.js';
import { PAGE_MAX_BYTES, parseEventQuery } from '../query/index.js';
import type { IndexReader, NamedQueries, Subscription, Subscriptions } from '../storage/index.js';
import { retryDelay } from './backoff.js';
import { DestPolicy } from './dest-policy.js';
import { compileSchedule, nextRun } from './schedule.js';
import type { SecretBox } from './secret-box.js';
import { SIGNATURE_HEADER, SUBSCRIPTION_ID_HEADER, signatureOf } from './signature.js';
import { guardedPost, type WebhookPost } from './webhook.js';

export type DeliveryOutcome = 'delivered' | 'failed';

export interface DeliveryWorkerDeps {
  subscriptions: Pick<
    Subscriptions,
    'due' | 'get' | 'delivered' | 'passed' | 'failed' | 'latestPosition' | 'rescheduled'
  >;
  namedQueries: Pick<NamedQueries, 'get'>;
  /** The event index's reader: the one matcher of every query. */
  reader: Pick<IndexReader, 'events'>;
  /**
   * The EPCISQueryDocument of a batch, as GET /queries/{name}/events answers it, with the
   * subscriptionID in its queryResults (EPCIS 2.0: every callback document names its subscription).
   */
  document(queryName: string, events: EpcisEvent[], subscriptionID: string): unknown;
  /** Opens the sealed signatureTokens of the subscriptions table. */
  secrets: Pick<SecretBox, 'open'>;
  /** Where deliveries may go; every delivery is checked again (DNS rebinding). Default: no internal range. */
  policy?: DestPolicy;
  /** Replaces the guarded POST (tests): it then answers for the policy. */
  post?: WebhookPost;
  /** ms since the epoch; backoff and due times are read from it. */
  clock?: () => number;
  /** [0, 1), the backoff jitter. */
  random?: () => number;
  logger?: Logger;
  onDelivery?: (outcome: DeliveryOutcome) => void;
  /** Events per POST. */
  batchSize?: number;
  /**
   * Stored bytes of events per POST (default: a query page's budget). A batch of large events is
   * cut by bytes as a page is, so one delivery never holds hundreds of megabytes in memory.
   */
  maxBatchBytes?: number;
  /** How often due subscriptions are looked at besides commits (retries, missed wake-ups). */
  intervalMs?: number;
  /**
   * Runs reads in one read snapshot of the ledger. Needed where blocks commit on another
   * connection (node/block-writer.ts), so that a block cannot commit between two reads; by
   * default the reads just run.
   */
  snapshot?: <T>(read: () => T) => T;
  /**
   * Runs a cursor write when no block is being written on another connection (query/backend.ts
   * WriteGate); by default the write just runs.
   */
  write?: <T>(write: () => T) => Promise<T>;
  timeoutMs?: number;
}

export const DEFAULT_BATCH_SIZE = 500;
export const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_INTERVAL_MS = 1_000;

/** Ordering parameters of the saved query do not apply: deliveries follow the ledger order. */
const ORDERING = ['orderBy', 'orderDirection'];

/**
 * Delivers newly committed events of each subscription's named query to its webhook, at least
 * once: the cursor moves only after a 2xx, and only after the events the POST held. Runs outside
 * consensus (woken after a commit, and on a timer), one delivery in flight per subscription.
 */
export class DeliveryWorker {
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly abort = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private waking: NodeJS.Immediate | undefined;
  private stopped = false;
  private readonly post: WebhookPost;
  private readonly clock: () => number;
  private readonly random: () => number;
  private readonly batchSize: number;
  private readonly maxBatchBytes: number;
  private readonly write: <T>(write: () => T) => Promise<T>;

  constructor(private readonly deps: DeliveryWorkerDeps) {
    this.write = deps.write ?? (async (write) => write());
    this.post = deps.post ?? guardedPost(deps.policy ?? new DestPolicy());
    this.clock = deps.clock ?? Date.now;
    this.random = deps.random ?? Math.random;
    this.batchSize = deps.batchSize ?? DEFAULT_BATCH_SIZE;
    this.maxBatchBytes = deps.maxBatchBytes ?? PAGE_MAX_BYTES;
  }

  /** Looks at due subscriptions now and then every intervalMs. */
  start(): void {
    if (this.stopped || this.timer) return;
    this.timer = setInterval(() => this.wake(), this.deps.intervalMs ?? DEFAULT_INTERVAL_MS);
    this.timer.unref();
    this.wake();
  }

  /** After a commit: new events may match. Returns at once; the work runs in a later turn. */
  wake(): void {
    // Many commits in one turn wake it once.
    this.waking ??= setImmediate(() => {
      this.waking = undefined;
      void this.runDue();
    });
  }

  /** Starts a delivery for every due subscription not already in flight; resolves when those end. */
  async runDue(): Promise<void> {
    if (this.stopped) return;
    const started: Promise<void>[] = [];
    for (const sub of this.deps.subscriptions.due(this.clock())) {
      if (this.inFlight.has(sub.id)) continue;
      const run = this.deliver(sub)
        .catch((err) =>
          this.deps.logger?.error({ err, subscription: sub.id }, 'subscription delivery failed'),
        )
        .finally(() => this.inFlight.delete(sub.id));
      this.inFlight.set(sub.id, run);
      started.push(run);
    }
    await Promise.all(started);
  }

  /** Aborts deliveries in flight (their events stay undelivered) and waits for them to end. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    if (this.waking) clearImmediate(this.waking);
    this.abort.abort();
    await Promise.allSettled([...this.inFlight.values()]);
  }

  /**
   * Sends batches until the subscription is caught up, or one fails. A scheduled subscription is
   * due only at its schedule's times (or a retry's): a run sends what committed since the last one
   * (an empty document too with reportIfEmpty), then waits for the schedule's next time.
   */
  private async deliver(sub: Subscription): Promise<void> {
    const { subscriptions, namedQueries, reader } = this.deps;
    let { cursor, attempts } = sub;
    const query = namedQueries.get(sub.queryName);
    if (!query) return; // deleted: its subscriptions went with it
    const pairs = Object.entries(query.params).filter(([name]) => !ORDERING.includes(name));
    const parsed = parseEventQuery(pairs, `/queries/${sub.queryName}`, sub.createdByOrg).request;
    // A subscription delivers what its creator's org may see, as its query would answer that org.
    const filter = { ...parsed.filter, visibleTo: sub.createdByOrg };
    const schedule = sub.schedule === undefined ? undefined : compileSchedule(sub.schedule);
    let sent = false;
    for (;;) {
      // Deleting the query deletes its subscriptions: this check covers both between batches.
      if (this.stopped || !subscriptions.get(sub.queryName, sub.id)) return;
      // The newest position and the page are read in one snapshot: no block commits between.
      const read = this.deps.snapshot ?? ((r) => r());
      const { latest, page } = read(() => {
        const latest = subscriptions.latestPosition();
        if (latest <= cursor) return { latest, page: undefined };
        const page = reader.events({
          filter,
          orderBy: 'ledger',
          descending: false,
          limit: this.batchSize,
          maxBytes: this.maxBatchBytes,
          after: { value: cursor, seq: cursor },
        });
        return { latest, page };
      });
      if (!page) {
        if (!schedule) return;
        if (!sent && sub.reportIfEmpty) {
          const error = await this.send(sub, []);
          if (this.stopped) return;
          if (error !== undefined) return this.failed(sub, ++attempts, error);
          await this.write(() => subscriptions.delivered(sub.id, cursor, this.clock()));
          this.deps.onDelivery?.('delivered');
        }
        // A stored schedule was checked when it was made; one that never matches again is parked.
        const next = schedule.ok ? nextRun(schedule.schedule, this.clock()) : undefined;
        await this.write(() => subscriptions.rescheduled(sub.id, next ?? Number.MAX_SAFE_INTEGER));
        return;
      }
      const through = page.next?.seq ?? latest;
      if (page.events.length === 0) {
        await this.write(() => subscriptions.passed(sub.id, through));
        cursor = through;
        continue;
      }
      const error = await this.send(sub, page.events);
      if (this.stopped) return; // aborted by stop(): the events are sent again after the restart
      if (error !== undefined) return this.failed(sub, ++attempts, error);
      await this.write(() => subscriptions.delivered(sub.id, through, this.clock()));
      this.deps.onDelivery?.('delivered');
      sent = true;
      cursor = through;
      attempts = 0;
    }
  }

  private async failed(sub: Subscription, attempts: number, error: string): Promise<void> {
    const at = this.clock() + retryDelay(attempts, this.random());
    await this.write(() => this.deps.subscriptions.failed(sub.id, at, error));
    this.deps.onDelivery?.('failed');
    this.deps.logger?.warn({ subscription: sub.id, attempts, error }, 'webhook delivery failed; will retry');
  }

  /** One POST; undefined on a 2xx, else what went wrong (kept as last_error). */
  private async send(sub: Subscription, events: EpcisEvent[]): Promise<string | undefined> {
    const body = JSON.stringify(this.deps.document(sub.queryName, events, sub.id));
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      [SUBSCRIPTION_ID_HEADER]: sub.id,
    };
    if (sub.secret !== undefined)
      headers[SIGNATURE_HEADER] = signatureOf(body, this.deps.secrets.open(sub.secret, sub.id));
    const timeoutMs = this.deps.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const signal = AbortSignal.any([this.abort.signal, AbortSignal.timeout(timeoutMs)]);
    try {
      const { status } = await this.post(sub.dest, body, headers, signal);
      return status >= 200 && status < 300 ? undefined : `the receiver answered HTTP ${status}`;
    } catch (err) {
      const e = err as Error & { code?: string; cause?: { code?: string; message?: string } };
      if (e.name === 'TimeoutError') return `no answer within ${timeoutMs} ms`;
      if (err instanceof WaybillError) return `request failed: ${e.message}`; // a refused dest
      return `request failed: ${e.cause?.code ?? e.code ?? e.cause?.message ?? e.message}`;
    }
  }
}
