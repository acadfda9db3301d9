/**
 * Load on a local network of real node processes: ERP clients post capture documents to their
 * own organisation's node at an offered rate (events/s, open loop), and the run reports committed
 * events/s and capture-to-commit latency.
 *
 * Latency is measured on the client: the time from a capture's 202 to the first time the
 * acknowledging node's GET /status shows the height of the block that committed it (each node is
 * polled every POLL_MS, so figures are up to POLL_MS late). The block of every acknowledged capture
 * comes from GET /capture/{captureID} once the step is over, which also gives the rejected events.
 */
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Cluster } from '../support/cluster.js';
import { metricTotal } from '../support/metrics.js';
import { cpuSeconds, rssMB } from '../support/rss.js';
import { documentSize, type ErpClient, erpClients } from './erp.js';
import { percentile } from './stats.js';

const POLL_MS = 25;
const TICK_MS = 10;
/** Posts in flight at most; when reached, the generator falls behind its offered rate (reported). */
const MAX_IN_FLIGHT = 64;
/** The first seconds of a step are left out of its figures: the pipeline fills. */
const WARMUP_FRACTION = 0.2;

export interface StepResult {
  nodes: number;
  offered: number;
  /** Events/s the generator actually posted (lower than offered when it could not keep up). */
  posted: number;
  /** Committed events/s (accepted + rejected verdicts) in the measured window. */
  committed: number;
  accepted: number;
  rejected: number;
  /** Capture-to-commit latency, ms. */
  p50: number;
  p95: number;
  p99: number;
  /** POST /capture to its 202, ms. */
  ackP50: number;
  ackP99: number;
  seconds: number;
  /** Captures answered other than 202 (by status and code), and posts that got no answer. */
  refused: number;
  refusals: Record<string, number>;
  failed: number;
  /** Acknowledged captures not committed by the end of the drain. */
  uncommitted: number;
  rssMB: number[];
  /**
   * CPU time (user + system) of each node process over the measured window, divided by the events
   * committed in it, µs: what one node needs per event on its own machine.
   */
  cpuUsPerEvent: number[];
  /** Blocks committed and view changes (rounds after round 0) during the step, on the first node. */
  blocks: number;
  roundChanges: number;
  /**
   * On the first node, mean ms per block during the step to build a proposal (when it proposed),
   * validate one, and apply a decided block until stored (its waybill_block_work_seconds).
   */
  blockWorkMs?: { build: number; validate: number; apply: number };
  /**
   * Nodes whose height had not moved for STALL_MS at the end of the step although captures were
   * waiting, with their last GET /status (its `consensus` says what the node waits for).
   */
  stalled?: Array<{ org: string; stillMs: number; status: unknown }>;
}

interface Counters {
  rounds: number;
  blocks: number;
  build: { seconds: number; count: number };
  validate: { seconds: number; count: number };
  apply: { seconds: number; count: number };
}

interface Ack {
  node: number;
  captureID: string;
  events: number;
  sentAt: number;
  ackAt: number;
}

interface Job {
  running: boolean;
  blockHeight?: number;
  errors: Array<{ eventID?: string }>;
}

/** Lean HTTP: one keep-alive agent, bodies serialised once, no fetch machinery. */
const agent = new Agent({ keepAlive: true, maxSockets: 128 });

function call(
  url: string,
  method: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; headers: Record<string, unknown>; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers, agent, timeout: 30_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          text: Buffer.concat(chunks).toString('utf8'),
        }),
      );
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(body);
  });
}

/** A node whose height has not moved for this long while captures wait is reported as stalled. */
const STALL_MS = 30_000;

/** First time each height was seen on each node, and each node's last status. */
class CommitClock {
  readonly seen: Array<Map<number, number>>;
  /** Each node's last GET /status answer, and when its height last moved. */
  readonly last: Array<{ status: unknown; height: number; movedAt: number } | undefined>;
  private timer: NodeJS.Timeout | undefined;
  private busy = false;

  constructor(private readonly cluster: Cluster) {
    this.seen = cluster.nodes.map(() => new Map());
    this.last = cluster.nodes.map(() => undefined);
  }

  /** Nodes whose height has stood still for STALL_MS, with their last status (consensus phase). */
  stalled(): Array<{ org: string; stillMs: number; status: unknown }> {
    const now = performance.now();
    return this.cluster.nodes.flatMap((n, i) => {
      const last = this.last[i];
      return last && now - last.movedAt >= STALL_MS
        ? [{ org: n.org, stillMs: Math.round(now - last.movedAt), status: last.status }]
        : [];
    });
  }

  start(): void {
    this.timer = setInterval(() => void this.poll(), POLL_MS);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private async poll(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    await Promise.all(
      this.cluster.nodes.map(async (n, i) => {
        try {
          const res = await call(`${n.url}/status`, 'GET', {});
          const status = JSON.parse(res.text) as { height: number };
          const { height } = status;
          const seen = this.seen[i] as Map<number, number>;
          const now = performance.now();
          const last = this.last[i];
          this.last[i] = { status, height, movedAt: last && last.height === height ? last.movedAt : now };
          // Heights passed between two polls committed within the last POLL_MS: stamp them now.
          for (let h = height; h > 0 && !seen.has(h); h--) seen.set(h, now);
        } catch {
          // a missed poll only delays the stamps
        }
      }),
    );
    this.busy = false;
  }
}

export class LoadRunner {
  private readonly clients: ErpClient[];
  private readonly clock: CommitClock;

  constructor(private readonly cluster: Cluster) {
    const members = cluster.nodes.map((n) => ({
      org: n.org,
      index: n.index,
      // The parties and sites Cluster.create gives each member in genesis.
      party: `urn:epc:id:pgln:061414${n.index}.00001`,
      site: `urn:epc:id:sgln:061414${n.index}.00001.0`,
    }));
    this.clients = erpClients(members, Date.now().toString(36));
    this.clock = new CommitClock(cluster);
    this.clock.start();
  }

  close(): void {
    this.clock.stop();
  }

  /** Offers `rate` events/s for `seconds`, waits for the captures to commit, and measures. */
  async step(rate: number, seconds: number): Promise<StepResult> {
    const acks: Ack[] = [];
    let refused = 0;
    const refusals: Record<string, number> = {};
    let failed = 0;
    let inFlight = 0;
    let posted = 0;
    let next = 0;
    const before = await this.counters();
    const began = performance.now();
    const end = began + seconds * 1000;
    // Each node's CPU time at the start and the end of the measured window (after the warm-up).
    const cpu = { from: [] as number[], to: [] as number[] };
    const sampleCpu = () => this.cluster.nodes.map((n) => cpuSeconds(n.process?.pid));
    const warm = setTimeout(() => (cpu.from = sampleCpu()), seconds * 1000 * WARMUP_FRACTION);
    const sends: Promise<void>[] = [];
    const send = (client: ErpClient, node: number, count: number) => {
      const n = this.cluster.nodes[node];
      if (!n) return;
      const { body, refused: retire } = client.capture(count, performance.now());
      const sentAt = performance.now();
      inFlight++;
      posted += count;
      const headers = {
        'content-type': 'application/ld+json',
        authorization: `Bearer ${n.token}`,
        'gs1-capture-error-behaviour': 'proceed',
      };
      sends.push(
        call(`${n.url}/capture`, 'POST', headers, body)
          .then((res) => {
            if (res.status === 202) {
              const id = (JSON.parse(res.text) as { captureID: string }).captureID;
              acks.push({ node, captureID: id, events: count, sentAt, ackAt: performance.now() });
            } else {
              refused++;
              retire();
              const code = `${res.status} ${(/"code":"([A-Z_]+)"/.exec(res.text) ?? [])[1] ?? ''}`.trim();
              refusals[code] = (refusals[code] ?? 0) + 1;
            }
          })
          .catch(() => {
            failed++;
            retire();
          })
          .finally(() => {
            inFlight--;
          }),
      );
    };
    // Offered events accounted for: posted, or dropped while MAX_IN_FLIGHT posts were pending
    // (dropped, not sent in a burst later: the offered rate stays an upper bound).
    let accounted = 0;
    while (performance.now() < end) {
      const due = (rate * (performance.now() - began)) / 1000;
      while (accounted < due) {
        if (inFlight >= MAX_IN_FLIGHT) {
          accounted = due;
          break;
        }
        const node = next++ % this.clients.length;
        const count = documentSize();
        send(this.clients[node] as ErpClient, node, count);
        accounted += count;
      }
      await new Promise((r) => setTimeout(r, TICK_MS));
    }
    cpu.to = sampleCpu();
    clearTimeout(warm);
    const postedSeconds = (performance.now() - began) / 1000;
    await Promise.all(sends);
    const { jobs, stalled } = await this.drain(acks);
    const after = await this.counters();
    const mean = (kind: 'build' | 'validate' | 'apply') => {
      const count = after[kind].count - before[kind].count;
      return count > 0 ? Math.round(((after[kind].seconds - before[kind].seconds) * 1000) / count) : 0;
    };
    const result = this.measure({
      blockWorkMs: { build: mean('build'), validate: mean('validate'), apply: mean('apply') },
      roundChanges: after.rounds - before.rounds,
      blocks: after.blocks - before.blocks,
      acks,
      jobs,
      began,
      end,
      rate,
      seconds,
      posted,
      postedSeconds,
      refused,
      refusals,
      failed,
      cpu,
    });
    return stalled.length > 0 ? { ...result, stalled } : result;
  }

  /** View changes and blocks so far on the first node (its /metrics). */
  private async counters(): Promise<Counters> {
    const m = await this.cluster.metrics(this.cluster.nodes[0]?.org ?? '').catch(() => undefined);
    const work = (kind: string) => ({
      seconds: m?.get(`waybill_block_work_seconds_sum{work="${kind}"}`) ?? 0,
      count: m?.get(`waybill_block_work_seconds_count{work="${kind}"}`) ?? 0,
    });
    return {
      rounds: metricTotal(m, 'waybill_round_changes_total'),
      blocks: metricTotal(m, 'waybill_commits_total'),
      build: work('build'),
      validate: work('validate'),
      apply: work('apply'),
    };
  }

  private async job(ack: Ack): Promise<Job | undefined> {
    const n = this.cluster.nodes[ack.node];
    if (!n) return undefined;
    try {
      for (let tries = 0; ; tries++) {
        const res = await call(`${n.url}/capture/${encodeURIComponent(ack.captureID)}`, 'GET', {
          authorization: `Bearer ${n.token}`,
        });
        // Reading thousands of jobs back may pass the node's per-client rate limit: wait as told,
        // so a throttled read is not counted as an uncommitted capture.
        if (res.status === 429 && tries < 10) {
          await new Promise((r) => setTimeout(r, Number(res.headers['retry-after'] ?? 1) * 1000));
          continue;
        }
        return res.status === 200 ? (JSON.parse(res.text) as Job) : undefined;
      }
    } catch {
      return undefined;
    }
  }

  /**
   * Waits until the last capture of each node is decided (or 60 s), then reads every job. Nodes
   * still undecided then and whose height stood still are reported at once, before the reads (which,
   * throttled by the nodes' rate limits, take minutes when thousands of captures never commit).
   */
  private async drain(
    acks: Ack[],
  ): Promise<{ jobs: Array<Job | undefined>; stalled: NonNullable<StepResult['stalled']> }> {
    const lastOf = new Map<number, Ack>();
    for (const a of acks) lastOf.set(a.node, a);
    const deadline = performance.now() + 60_000;
    let undecided = false;
    for (const last of lastOf.values()) {
      let decided = false;
      while (!decided && performance.now() < deadline) {
        const job = await this.job(last);
        decided = job !== undefined && !job.running;
        if (!decided) await new Promise((r) => setTimeout(r, 200));
      }
      undecided ||= !decided;
    }
    const stalled = undecided ? this.clock.stalled() : [];
    for (const { org, stillMs, status } of stalled) {
      console.log(`  STALLED: ${org} has not moved for ${stillMs} ms; last status ${JSON.stringify(status)}`);
    }
    await new Promise((r) => setTimeout(r, 2 * POLL_MS));
    // A stalled node's captures count as uncommitted unread: reading thousands of its undecided
    // jobs back through its rate limit would hold the run for many minutes. (Those it committed
    // before it stalled then go uncounted; the STALLED lines above say the step is not a measurement.)
    const stalledNodes = new Set(
      stalled.map(({ org }) => this.cluster.nodes.findIndex((n) => n.org === org)),
    );
    const jobs: Array<Job | undefined> = new Array(acks.length);
    let at = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (at < acks.length) {
          const i = at++;
          const ack = acks[i] as Ack;
          if (!stalledNodes.has(ack.node)) jobs[i] = await this.job(ack);
        }
      }),
    );
    return { jobs, stalled };
  }

  private measure(r: {
    blockWorkMs: StepResult['blockWorkMs'];
    roundChanges: number;
    blocks: number;
    acks: Ack[];
    jobs: Array<Job | undefined>;
    began: number;
    end: number;
    rate: number;
    seconds: number;
    posted: number;
    postedSeconds: number;
    refused: number;
    refusals: Record<string, number>;
    failed: number;
    cpu: { from: number[]; to: number[] };
  }): StepResult {
    const from = r.began + (r.end - r.began) * WARMUP_FRACTION;
    const window = (r.end - from) / 1000;
    let committed = 0;
    let rejected = 0;
    let uncommitted = 0;
    const latencies: number[] = [];
    r.acks.forEach((ack, i) => {
      const job = r.jobs[i];
      const at = job?.blockHeight === undefined ? undefined : this.clock.seen[ack.node]?.get(job.blockHeight);
      if (!job || job.running || at === undefined) {
        uncommitted++;
        return;
      }
      if (at >= from && at <= r.end) {
        committed += ack.events;
        rejected += job.errors.filter((e) => e.eventID !== undefined).length;
      }
      if (ack.ackAt >= from && ack.ackAt <= r.end) latencies.push(Math.max(0, at - ack.ackAt));
    });
    latencies.sort((a, b) => a - b);
    const acked = r.acks.map((a) => a.ackAt - a.sentAt).sort((a, b) => a - b);
    return {
      nodes: this.cluster.nodes.length,
      offered: r.rate,
      posted: Math.round(r.posted / r.postedSeconds),
      committed: Math.round(committed / window),
      accepted: Math.round((committed - rejected) / window),
      rejected: Math.round(rejected / window),
      p50: Math.round(percentile(latencies, 0.5)),
      p95: Math.round(percentile(latencies, 0.95)),
      p99: Math.round(percentile(latencies, 0.99)),
      ackP50: Math.round(percentile(acked, 0.5)),
      ackP99: Math.round(percentile(acked, 0.99)),
      seconds: r.seconds,
      refused: r.refused,
      refusals: r.refusals,
      failed: r.failed,
      uncommitted,
      rssMB: this.cluster.nodes.map((n) => rssMB(n.process?.pid)),
      cpuUsPerEvent: r.cpu.to.map((to, i) =>
        committed === 0 ? 0 : Math.round(((to - (r.cpu.from[i] ?? to)) * 1e6) / committed),
      ),
      blocks: r.blocks,
      roundChanges: r.roundChanges,
      blockWorkMs: r.blockWorkMs,
    };
  }
}
