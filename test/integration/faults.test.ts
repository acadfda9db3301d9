import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster, FAST_CONSENSUS } from '../support/cluster.js';
import { type AcknowledgedCapture, CaptureLoad } from '../support/load.js';
import { metricTotal } from '../support/metrics.js';
import { waitFor } from '../support/wait.js';

// Four real node processes under a steady load of captures while one node at a time (f = 1)
// is crashed, frozen, restarted or cut off, each fault healed before the next. Whatever a node
// acknowledged with a 202 must end up committed, once, in the same chain on every node.

/** How long each fault lasts (at least: the other three must also commit meanwhile). */
const FAULT_MS = 4_000;
/** Bound of every wait for the network to heal or settle. */
const HEAL_MS = 30_000;

const COUNTERS = {
  roundChanges: 'waybill_round_changes_total',
  syncBlocks: 'waybill_sync_blocks_total',
} as const;
type Tally = Record<keyof typeof COUNTERS, number>;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs `fn` over `items`, at most `limit` at a time. */
async function eachLimit<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) await fn(items[i] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

interface Ledger {
  org: string;
  blocks: Array<{ height: number; hash: string; view: number }>;
  events: Array<{ id: string; txId: string; height: number }>;
  rejections: Array<{ eventID: string; txId: string; code: string }>;
  failedCaptures: Array<{ id: string; errors: string }>;
  /** Events in all committed capture transactions, counted from their documents. */
  capturedEvents: number;
  pending: string[];
  /** Height of the persisted consensus state, and of the candidate blocks stored for it. */
  stateHeight: number | null;
  candidates: number[];
}

function readLedger(org: string, dataDir: string): Ledger {
  const db = new Database(join(dataDir, 'ledger.sqlite'), { readonly: true, fileMustExist: true });
  try {
    const blocks = (
      db.prepare('SELECT height, hash, header FROM blocks ORDER BY height').all() as Array<{
        height: number;
        hash: string;
        header: string;
      }>
    ).map((b) => ({ height: b.height, hash: b.hash, view: (JSON.parse(b.header) as { view: number }).view }));
    const events = db
      .prepare(
        `SELECT i.event_id AS id, t.id AS txId, i.height FROM event_index i
         JOIN txs t ON t.height = i.height AND t.idx = i.tx_idx ORDER BY i.height, i.event_id`,
      )
      .all() as Ledger['events'];
    const rejections = db
      .prepare('SELECT event_id AS eventID, tx_id AS txId, code FROM rejections')
      .all() as Ledger['rejections'];
    const failedCaptures = db
      .prepare(`SELECT id, errors FROM txs WHERE success = 0 AND json_extract(body, '$.kind') = 'capture'`)
      .all() as Ledger['failedCaptures'];
    // Every event of a committed capture document is a doc_events row (storage/tx-body.ts).
    const { n } = db.prepare('SELECT COUNT(*) AS n FROM doc_events').get() as { n: number };
    // Acknowledged transactions not yet committed have a file of their own (storage/acks.ts).
    const acks = new Database(join(dataDir, 'acks.sqlite'), { readonly: true, fileMustExist: true });
    const pending = (acks.prepare('SELECT id FROM pending_txs').all() as Array<{ id: string }>).map(
      (r) => r.id,
    );
    acks.close();
    const state = db.prepare('SELECT state FROM consensus_state').get() as { state: string } | undefined;
    const stateHeight = state ? (JSON.parse(state.state) as { height: number }).height : null;
    const candidates = (
      db.prepare('SELECT height FROM consensus_blocks').all() as Array<{ height: number }>
    ).map((r) => r.height);
    return {
      org,
      blocks,
      events,
      rejections,
      failedCaptures,
      capturedEvents: n,
      pending,
      stateHeight,
      candidates,
    };
  } finally {
    db.close();
  }
}

describe('one faulty node at a time, under a steady load of captures', () => {
  let cluster: Cluster;
  let load: CaptureLoad | undefined;

  beforeAll(async () => {
    cluster = await Cluster.create(4, FAST_CONSENSUS, { env: { WAYBILL_FAULT_INJECTION: '1' } });
    await cluster.startAll();
  }, 60_000);

  afterAll(async () => {
    await load?.stop();
    await cluster?.destroy();
  });

  it('loses no acknowledged capture, duplicates nothing, and ends with one chain on every node', async () => {
    const started = Date.now();
    const orgs = cluster.nodes.map((n) => n.org);
    const log = (msg: string) =>
      console.log(`[faults +${((Date.now() - started) / 1000).toFixed(1)}s] ${msg}`);

    // Counters restart from zero with a process: bank them before every planned stop.
    const banked = new Map<string, Tally>(orgs.map((o) => [o, { roundChanges: 0, syncBlocks: 0 }]));
    let metricsServed = true;
    const bank = async (org: string) => {
      const metrics = await cluster.metrics(org).catch(() => undefined);
      if (!metrics) {
        metricsServed = false;
        return;
      }
      const tally = banked.get(org) as Tally;
      for (const key of Object.keys(COUNTERS) as Array<keyof Tally>)
        tally[key] += metricTotal(metrics, COUNTERS[key]);
    };

    const heights = async (nodes: readonly string[]) => Promise.all(nodes.map((o) => cluster.height(o)));

    /** While `victim` is faulty the other three must go on committing. */
    const othersCommit = async (victim: string, fault: string) => {
      const others = orgs.filter((o) => o !== victim);
      const before = Math.max(...(await heights(others)));
      await waitFor(
        `the other nodes to commit past height ${before} during ${fault} of ${victim}`,
        async () => Math.min(...(await heights(others))) > before,
        HEAL_MS,
      );
    };

    /** Healed: every node ready, the victim caught up with the others, and all four commit on. */
    const healed = async (victim: string, fault: string, from: number) => {
      expect(cluster.unexpectedExits, `node processes that died during ${fault} of ${victim}`).toEqual([]);
      await Promise.all(orgs.map((o) => cluster.waitReady(o, HEAL_MS)));
      const others = orgs.filter((o) => o !== victim);
      const target = Math.max(...(await heights(others)));
      await waitFor(
        `${victim} to catch up to height ${target} after ${fault}`,
        async () => (await cluster.height(victim)) >= target,
        HEAL_MS,
      );
      await waitFor(
        `all nodes to commit past height ${target} after ${fault} of ${victim}`,
        async () => Math.min(...(await heights(orgs))) > target,
        HEAL_MS,
      );
      caughtUp.push({ victim, fault, blocks: target - from });
      log(`${fault} of ${victim} healed at height ${target + 1}; it had ${target - from} blocks to catch up`);
    };

    /** Holds a fault for FAULT_MS, and at least until the others have committed. */
    const hold = async (victim: string, fault: string) => {
      const until = Date.now() + FAULT_MS;
      await othersCommit(victim, fault);
      await sleep(Math.max(0, until - Date.now()));
    };

    const caughtUp: Array<{ victim: string; fault: string; blocks: number }> = [];

    // Victims: the current leader whenever it has not been one yet, else a node not yet touched.
    const victims = new Set<string>();
    const leaders: string[] = [];
    const pick = async () => {
      const asked = orgs.find((o) => !victims.has(o)) ?? (orgs[0] as string);
      const leader = (await cluster.status(asked)).leader;
      const victim = victims.has(leader) ? asked : leader;
      if (victim === leader) leaders.push(leader);
      victims.add(victim);
      return victim;
    };

    load = new CaptureLoad(cluster, { workers: 3, intervalMs: 150, maxEvents: 5 });
    load.start();
    await sleep(2_000);

    // (a) Crash: SIGKILL in the middle of a burst of captures to it (some acknowledged, maybe not
    // yet gossiped, some cut off), then restart on the same data.
    const a = await pick();
    const fromA = await cluster.height(a);
    await bank(a);
    const burst = Array.from({ length: 16 }, () => (load as CaptureLoad).post(a));
    await Promise.race(burst);
    log(`SIGKILL ${a}`);
    await cluster.kill(a);
    load.markDown(a);
    const outcomes = await Promise.all(burst);
    log(`burst to ${a}: ${outcomes.filter((o) => o === 'acknowledged').length}/16 acknowledged`);
    await hold(a, 'SIGKILL');
    cluster.start(a);
    await cluster.waitReady(a, HEAL_MS);
    load.markUp(a);
    await healed(a, 'SIGKILL', fromA);

    // (b) Freeze: SIGSTOP, then SIGCONT. Its connections stay open but nothing answers.
    const b = await pick();
    const fromB = await cluster.height(b);
    load.markDown(b);
    log(`SIGSTOP ${b}`);
    cluster.pause(b);
    await hold(b, 'SIGSTOP');
    cluster.resume(b);
    log(`SIGCONT ${b}`);
    load.markUp(b);
    await healed(b, 'SIGSTOP', fromB);

    // (c) Graceful restart: SIGTERM, a pause, start again.
    const c = await pick();
    const fromC = await cluster.height(c);
    await bank(c);
    log(`SIGTERM ${c}`);
    await cluster.stop(c);
    load.markDown(c);
    await hold(c, 'graceful restart');
    cluster.start(c);
    await cluster.waitReady(c, HEAL_MS);
    load.markUp(c);
    await healed(c, 'graceful restart', fromC);

    // (d) Partition: the isolation switch cuts it off from every member; clients still reach it.
    const d = await pick();
    const fromD = await cluster.height(d);
    log(`isolating ${d}`);
    cluster.isolate(d, true);
    await waitFor(
      `${d} to be cut off from every member`,
      async () => {
        const own = await cluster.status(d);
        const others = await Promise.all(orgs.filter((o) => o !== d).map((o) => cluster.status(o)));
        return (
          own.peers.every((p) => !p.connected) &&
          others.every((s) => s.peers.every((p) => p.org !== d || !p.connected))
        );
      },
      HEAL_MS,
    );
    await hold(d, 'isolation');
    cluster.isolate(d, false);
    log(`reconnecting ${d}`);
    await healed(d, 'isolation', fromD);

    await sleep(1_000);
    await load.stop();
    const counts = load.counts();
    log(`load stopped: ${JSON.stringify(counts)}`);
    expect(cluster.unexpectedExits).toEqual([]);
    expect(counts.acknowledged).toBeGreaterThan(0);
    expect(leaders.length, 'faults that hit the current leader').toBeGreaterThan(0);
    await Promise.all(orgs.map((o) => cluster.waitReady(o, HEAL_MS)));

    // Every acknowledged capture finishes, successfully, on the node it was posted to.
    const outstanding = new Map<string, AcknowledgedCapture>(load.acknowledged.map((c) => [c.captureID, c]));
    const jobs = new Map<string, { status: number; body: { running?: boolean; success?: boolean } }>();
    const deadline = Date.now() + HEAL_MS;
    while (outstanding.size > 0 && Date.now() < deadline) {
      await eachLimit([...outstanding.values()], 16, async (capture) => {
        const job = await cluster.json<{ running?: boolean; success?: boolean }>(
          capture.org,
          capture.location,
        );
        jobs.set(capture.captureID, job);
        if (job.status === 200 && job.body.running === false) outstanding.delete(capture.captureID);
      });
      if (outstanding.size > 0) await sleep(250);
    }
    const unfinished = [...outstanding.values()].map((c) => ({ ...c, job: jobs.get(c.captureID) }));
    expect(unfinished, `acknowledged captures still unfinished after ${HEAL_MS} ms`).toEqual([]);
    const unsuccessful = load.acknowledged
      .map((c) => ({ ...c, job: jobs.get(c.captureID) }))
      .filter((c) => c.job?.body.success !== true);
    expect(unsuccessful, 'acknowledged captures that did not succeed').toEqual([]);
    log(`all ${load.acknowledged.length} acknowledged captures committed successfully`);

    // Every node reaches the same height, then answers for every event of every capture.
    const top = Math.max(...(await heights(orgs)));
    await waitFor(
      `every node to reach height ${top}`,
      async () => Math.min(...(await heights(orgs))) >= top,
      HEAL_MS,
    );
    // Each event is read with its capturer's token (a member's token is accepted at every node; an
    // event is 404 to members it does not concern, docs/privacy.md).
    const acknowledgedEvents = load.acknowledged.flatMap((c) => c.eventIDs.map((id) => ({ id, c })));
    const missing: string[] = [];
    await eachLimit(
      orgs.flatMap((org) => acknowledgedEvents.map((e) => ({ org, id: e.id, capturer: e.c.org }))),
      32,
      async ({ org, id, capturer }) => {
        const token = cluster.node(capturer).token;
        const res = await cluster.request(org, `/events/${encodeURIComponent(id)}`, {}, token);
        await res.arrayBuffer();
        if (res.status !== 200) missing.push(`${id} on ${org}: ${res.status}`);
      },
    );
    expect(missing, 'acknowledged events some node does not answer for').toEqual([]);

    // Crashes and restarts never made an honest node sign two conflicting messages.
    for (const org of orgs) {
      const { status, body } = await cluster.json<{ evidence: unknown[] }>(org, '/evidence');
      expect(status).toBe(200);
      expect(body.evidence, `equivocation evidence on ${org}`).toEqual([]);
    }

    // Counters, scraped before the nodes stop (planned stops were banked already).
    await Promise.all(orgs.map((o) => bank(o)));
    const total = (key: keyof Tally) => [...banked.values()].reduce((s, t) => s + t[key], 0);
    expect(cluster.unexpectedExits).toEqual([]);
    await Promise.all(orgs.map((o) => cluster.stop(o)));

    // The same chain everywhere, each event once, nothing but what was posted.
    const ledgers = cluster.nodes.map((n) => readLedger(n.org, n.dataDir));
    const common = Math.min(...ledgers.map((l) => l.blocks.length));
    expect(common).toBeGreaterThanOrEqual(top);
    const reference = ledgers[0] as Ledger;
    const inCommon = (l: Ledger) => l.events.filter((e) => e.height <= common);
    for (const ledger of ledgers) {
      expect(
        ledger.blocks.map((b) => b.height),
        `${ledger.org} holds blocks 1..n`,
      ).toEqual(ledger.blocks.map((_, i) => i + 1));
      expect(ledger.blocks.slice(0, common), `${ledger.org}'s chain`).toEqual(
        reference.blocks.slice(0, common),
      );
      expect(inCommon(ledger), `${ledger.org}'s events`).toEqual(inCommon(reference));
      expect(new Set(ledger.events.map((e) => e.id)).size).toBe(ledger.events.length);
      expect(ledger.events.length, `${ledger.org}: events accepted = events in committed captures`).toBe(
        ledger.capturedEvents,
      );
      expect(ledger.rejections, `${ledger.org}: events rejected (duplicates)`).toEqual([]);
      expect(ledger.failedCaptures, `${ledger.org}: failed capture transactions`).toEqual([]);
      // Candidate blocks of heights the node has moved past were deleted, crashes or not.
      expect(ledger.stateHeight ?? 0).toBeLessThanOrEqual(ledger.blocks.length + 1);
      expect(
        ledger.candidates.filter((h) => h !== ledger.stateHeight),
        `${ledger.org}: candidate blocks of other heights than the persisted state's`,
      ).toEqual([]);
      const strangers = ledger.events.filter((e) => !load?.attempted.has(e.id));
      expect(strangers, `${ledger.org}: events nobody posted`).toEqual([]);
      const byId = new Map(ledger.events.map((e) => [e.id, e]));
      const wrong = acknowledgedEvents.filter(({ id, c }) => byId.get(id)?.txId !== c.captureID);
      expect(
        wrong.map((w) => w.id),
        `${ledger.org}: acknowledged events missing or in another tx`,
      ).toEqual([]);
    }
    const acknowledgedIds = new Set(acknowledgedEvents.map((e) => e.id));
    expect(acknowledgedIds.size).toBe(acknowledgedEvents.length);
    const accepted = reference.events.length;
    const unacknowledged = reference.events.filter((e) => !acknowledgedIds.has(e.id)).length;
    expect(accepted).toBe(acknowledgedIds.size + unacknowledged);

    const viewChangeBlocks = reference.blocks.filter((b) => b.view > 0).length;
    const perNode = Object.fromEntries(banked);
    console.log(
      [
        `[faults] done in ${((Date.now() - started) / 1000).toFixed(1)} s; victims: kill ${a}, stop ${b}, restart ${c}, isolate ${d} (leaders: ${leaders.join(', ')})`,
        `[faults] captures posted ${counts.posted}, acknowledged ${counts.acknowledged}, refused ${JSON.stringify(counts.refused)}, no answer ${counts.failed}`,
        `[faults] events accepted ${accepted} (${acknowledgedIds.size} acknowledged + ${unacknowledged} committed without a 202 reaching the client), chain height ${common}`,
        metricsServed
          ? `[faults] round changes ${total('roundChanges')} (summed over nodes), catch-up blocks ${total('syncBlocks')}; per node ${JSON.stringify(perNode)}`
          : '[faults] GET /metrics not served: no round change or catch-up counts',
        `[faults] blocks each victim had to catch up: ${caughtUp.map((x) => `${x.fault} ${x.victim} ${x.blocks}`).join(', ')}`,
        `[faults] blocks committed after a view change: ${viewChangeBlocks}; pending_txs left: ${ledgers.map((l) => `${l.org}=${l.pending.length}`).join(' ')}`,
      ].join('\n'),
    );
    expect(metricsServed, 'GET /metrics is served by every node').toBe(true);
    expect(total('syncBlocks'), 'blocks applied through catch-up').toBeGreaterThan(0);
  }, 150_000);
});
