import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createWaybillClient, type WaybillClient } from '../client/index.js';
import { verifyProof } from '../verify/index.js';
import type { DemoNode } from './demo-node.js';
import * as ev from './events.js';
import { type PrivacyScenes, privacyScenes } from './privacy-scenes.js';

/**
 * A client of `node` carrying `viewer`'s token. Each member sees only what concerns it, at every
 * node alike: the story reads at another org's node than the actor's, as an org the goods concern.
 */
const at = (node: DemoNode, viewer: DemoNode): WaybillClient =>
  viewer === node ? node.client : createWaybillClient(node.url, viewer.token);

export interface StoryOptions {
  /** Grower, packer, carrier, retailer: the genesis members in order. */
  nodes: [DemoNode, DemoNode, DemoNode, DemoNode];
  /** Where the auditor writes the FSMA 204 spreadsheet. */
  outDir: string;
  /** Distinguishes this run's identifiers from earlier runs on the same network. */
  run: string;
  print: (line: string) => void;
  /** How long to wait for a capture to be decided. */
  timeoutMs?: number;
  /** The genesis file the auditor checks proofs against; its privacy mode and grants shape the privacy scenes. */
  genesis: PrivacyScenes['genesis'];
}

type Job = { running: boolean; success: boolean; errors: { eventID?: string; code: string }[] };

/**
 * The multi-organisation story (issue: the demo). Every step states what the consortium must do and
 * checks it against the nodes; a mismatch is reported and counted, and the story goes on so the
 * reader sees everything. Returns the number of mismatches.
 */
export async function runStory(opts: StoryOptions): Promise<number> {
  const [grower, packer, carrier, retailer] = opts.nodes;
  const { lots, cases, pallets, privateLot } = ev.identifiers(opts.run);
  const [lotA, lotB] = lots as [string, string];
  const [c1, c2, c3, c4] = cases as [string, string, string, string];
  const [p1, p2] = pallets as [string, string];
  let failures = 0;
  const check = (ok: boolean, what: string, detail = '') => {
    opts.print(`   ${ok ? '✓' : '✗'} ${what}${ok || !detail ? '' : ` (${detail})`}`);
    if (!ok) failures++;
  };
  const step = (n: number, text: string) => opts.print(`\n${n}. ${text}`);

  /** Captures a document at `node` and checks its events' verdicts (null = accepted). */
  const capture = async (node: DemoNode, events: ev.Ev[], expected: (string | null)[]) => {
    const posted = await node.client.POST('/capture', {
      body: ev.documentOf(events) as never,
      headers: { 'GS1-Capture-Error-Behaviour': 'proceed' },
    });
    const captureID = posted.data && 'captureID' in posted.data ? posted.data.captureID : undefined;
    if (!captureID) {
      check(false, `${node.name}'s node took the capture`, JSON.stringify(posted.error));
      return;
    }
    const job = await poll(() =>
      node.client.GET('/capture/{captureID}', { params: { path: { captureID } } }),
    );
    // Under `proceed`, the job lists each rejected event once; every other event was accepted.
    const rejected = (job?.errors ?? []).map((e) => e.code).sort();
    const want = expected.filter((c): c is string => c !== null).sort();
    const said = (codes: string[]) => {
      if (codes.length === 0) return events.length === 1 ? 'accepted' : `all ${events.length} accepted`;
      const accepted = events.length - codes.length;
      return `${accepted > 0 ? `${accepted} accepted, ` : ''}rejected with ${codes.join(', ')}`;
    };
    if (!job) return check(false, `the consortium decided: ${said(want)}`, 'no verdict in time');
    check(
      JSON.stringify(rejected) === JSON.stringify(want),
      `the consortium decided: ${said(want)}`,
      `got ${said(rejected)}`,
    );
  };

  const poll = async (get: () => Promise<{ data?: unknown }>): Promise<Job | undefined> => {
    const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
    while (Date.now() < deadline) {
      const job = (await get()).data as Job | undefined;
      if (job && !job.running) return job;
      await new Promise((r) => setTimeout(r, 100));
    }
    return undefined;
  };

  /**
   * Reads an object's custody state at `node` (another org's node than the actor's, on purpose) as
   * `viewer`, an org the object concerns.
   */
  const expectObject = async (
    node: DemoNode,
    id: string,
    want: Record<string, unknown>,
    what: string,
    viewer = node,
  ) => {
    // The capture job is decided at the capturing node; `node` applies the same block a moment
    // later (more under load), so the read waits for it rather than racing it.
    const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
    let got: Record<string, unknown> = {};
    let differs: [string, unknown][] = [];
    for (;;) {
      const { data } = await at(node, viewer).GET('/objects/{id}', { params: { path: { id } } });
      got = (data ?? {}) as Record<string, unknown>;
      differs = Object.entries(want).filter(([k, v]) => JSON.stringify(got[k]) !== JSON.stringify(v));
      if (differs.length === 0 || Date.now() >= deadline) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    check(
      differs.length === 0,
      `${what} (read at ${node.name})`,
      differs.map(([k]) => `${k}: ${JSON.stringify(got[k])}`).join(', '),
    );
  };

  opts.print(`Waybill demo, run ${opts.run}: ${opts.nodes.map((n) => n.name).join(' → ')}`);

  step(1, `${grower.name} commissions two harvest lots of romaine at initial packing.`);
  await capture(grower, ev.commissionLots(grower.party, lots), [null, null]);
  await expectObject(
    retailer,
    lotA,
    { owner: grower.org, custodian: grower.org, status: 'active' },
    `lot A belongs to ${grower.name}`,
    grower,
  );

  step(2, `${grower.name} ships both lots to ${packer.name}, which receives them and takes ownership.`);
  await capture(grower, [ev.ship(grower.party, packer.party, lots, `${opts.run}-1`, packer.party)], [null]);
  await expectObject(
    carrier,
    lotB,
    { status: 'in_transit', consignee: packer.org },
    'lot B is in transit to the packer',
    packer,
  );
  await capture(packer, [ev.receive(packer.party, lots, `${opts.run}-1`, packer.party)], [null]);
  await expectObject(
    grower,
    lotB,
    { owner: packer.org, custodian: packer.org, status: 'active' },
    `lot B now belongs to ${packer.name}`,
  );

  step(3, `${packer.name} cuts each lot into two cases (kept at 0–5 °C) and packs the cases on two pallets.`);
  await capture(
    packer,
    [ev.transform(packer.party, lotA, [c1, c2]), ev.transform(packer.party, lotB, [c3, c4])],
    [null, null],
  );
  await capture(
    packer,
    [ev.pack(packer.party, p1, [c1, c3]), ev.pack(packer.party, p2, [c2, c4])],
    [null, null],
  );
  await expectObject(
    retailer,
    lotA,
    { status: 'consumed' },
    'lot A was consumed by the transformation',
    packer,
  );
  await expectObject(
    retailer,
    c1,
    {
      parent: await canonical(at(retailer, packer), p1),
      inputs: [await canonical(at(retailer, packer), lotA)],
    },
    'case 1 is on pallet 1, made from lot A',
    packer,
  );

  step(4, `${packer.name} hands the pallets to ${carrier.name}: custody moves, ownership does not.`);
  await capture(packer, [ev.ship(packer.party, carrier.party, pallets, `${opts.run}-2`)], [null]);
  await capture(carrier, [ev.receive(carrier.party, pallets, `${opts.run}-2`)], [null]);
  await expectObject(
    grower,
    p1,
    { owner: packer.org, custodian: carrier.org },
    `pallet 1: owned by ${packer.name}, held by ${carrier.name}`,
  );
  await expectObject(grower, c3, { custodian: carrier.org }, 'the cases on it moved with it');

  step(5, `On the road, pallet 2's logger reports 9.5 °C.`);
  await capture(carrier, [ev.temperature(carrier.party, p2, 9.5)], [null]);
  await expectObject(
    retailer,
    c2,
    { flags: ['temperature_excursion'] },
    'case 2 on pallet 2 is flagged temperature_excursion',
    carrier,
  );
  await expectObject(retailer, c1, { flags: [] }, 'case 1 on pallet 1 is not', carrier);
  const asCarrier = at(retailer, carrier);
  const flagged = new Set([await canonical(asCarrier, c2), await canonical(asCarrier, c4)]);
  const raised = (await allAlerts(asCarrier)).filter((a) => flagged.has(a.object));
  check(
    raised.length === 2 && raised.every((a) => a.value === 9.5 && a.max === 5),
    `two cold-chain alerts are on record (${raised.map((a) => `${a.value} °C > ${a.max} °C`).join(', ')})`,
  );

  step(6, `${carrier.name} delivers to ${retailer.name}, which receives and takes ownership.`);
  await capture(
    carrier,
    [ev.ship(carrier.party, retailer.party, pallets, `${opts.run}-3`, retailer.party)],
    [null],
  );
  await capture(retailer, [ev.receive(retailer.party, pallets, `${opts.run}-3`, retailer.party)], [null]);
  await expectObject(
    packer,
    p2,
    { owner: retailer.org, custodian: retailer.org, status: 'active' },
    `pallet 2 now belongs to ${retailer.name}`,
  );

  step(7, `${grower.name} tries to ship pallet 1, which it does not hold: refused.`);
  await capture(grower, [ev.ship(grower.party, packer.party, [p1], `${opts.run}-4`)], ['CUSTODY_NOT_HELD']);
  await expectObject(
    carrier,
    p1,
    { custodian: retailer.org, status: 'active' },
    'pallet 1 stays with the retailer',
  );

  step(8, `${grower.name} recalls lot A: the recall reaches the cases made from it and their pallets.`);
  await capture(grower, [ev.recall(grower.party, lotA)], [null]);
  await expectObject(retailer, c1, { flags: ['recalled'] }, 'case 1 (from lot A) is recalled');
  await expectObject(
    retailer,
    c2,
    { flags: ['recalled', 'temperature_excursion'] },
    'case 2 (from lot A) is recalled',
  );
  await expectObject(retailer, c3, { flags: [] }, 'case 3 (from lot B) is not');
  await expectObject(retailer, p1, { flags: ['contains_recalled'] }, 'pallet 1 contains recalled goods');
  await capture(retailer, [ev.ship(retailer.party, carrier.party, [c1], `${opts.run}-5`)], ['RECALLED']);

  step(
    9,
    `An auditor at ${retailer.name} traces case 1 from the field to the shelf and writes the FSMA 204 spreadsheet.`,
  );
  await audit(opts, retailer, c1, check);

  // Who sees what (docs/privacy.md). The carrier never handles lot C: here it is the competitor.
  await privacyScenes(
    {
      grower,
      competitor: carrier,
      retailer,
      caseId: c1,
      privateLot,
      genesis: opts.genesis,
      step,
      check,
      print: opts.print,
      capture,
    },
    10,
  );

  opts.print(
    failures === 0
      ? '\nThe story checks out: every expectation held.'
      : `\n${failures} expectation(s) failed.`,
  );
  return failures;
}

/** Every alert on record, page by page (the network may hold earlier runs' alerts). */
async function allAlerts(client: WaybillClient) {
  const all: { seq: number; object: string; value: number; max: number }[] = [];
  for (let after = -1; ; ) {
    const { data } = await client.GET('/alerts', { params: { query: { after, perPage: 1000 } } });
    const page = data?.alerts ?? [];
    all.push(...page);
    if (page.length < 1000) return all;
    after = page[page.length - 1]?.seq ?? after;
  }
}

/** The canonical key (GS1 Digital Link) a node reports for an identifier. */
async function canonical(client: WaybillClient, id: string): Promise<string> {
  const { data } = await client.GET('/objects/{id}', { params: { path: { id } } });
  return (data as { id?: string } | undefined)?.id ?? id;
}

async function audit(
  opts: StoryOptions,
  node: DemoNode,
  id: string,
  check: (ok: boolean, what: string, detail?: string) => void,
): Promise<void> {
  // Both directions: where the case came from (lot, field) and what carried it (its pallet).
  const params = { path: { id }, query: { direction: 'both' as const } };
  const { data: trace, response } = await node.client.GET('/objects/{id}/trace', {
    params: { ...params, query: { ...params.query, proofs: true } },
  });
  check(
    response.status === 200 && trace !== undefined,
    `the trace of case 1 links ${trace?.nodes.length ?? 0} objects through ${trace?.edges.length ?? 0} events`,
  );
  for (const c of trace?.custody ?? []) {
    const what = c.bizStep ?? c.eventType;
    opts.print(`     ${c.eventTime}  ${c.org.padEnd(18)} ${what.padEnd(22)} ${c.objects.length} object(s)`);
  }
  // Trust nothing the node said: every event of the chain is checked offline against genesis.
  const proofs = trace?.proofs ?? [];
  const verified = proofs.filter((p) => verifyProof(p, opts.genesis).ok).length;
  check(
    proofs.length === (trace?.custody.length ?? -1) && verified === proofs.length,
    `all ${proofs.length} events of the chain carry proofs that verify offline against genesis.json`,
    `${verified} of ${proofs.length} verified`,
  );
  const csv = await node.client.GET('/objects/{id}/trace.csv', { params, parseAs: 'text' });
  const text = typeof csv.data === 'string' ? csv.data : '';
  const file = join(opts.outDir, `fsma204-${opts.run}.csv`);
  writeFileSync(file, text);
  const rows = text.trim().split('\n').length - 1;
  check(
    csv.response.status === 200 && rows > 0,
    `FSMA 204 spreadsheet: ${rows} critical tracking events in ${file}`,
  );
}
