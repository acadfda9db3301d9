import { randomUUID } from 'node:crypto';
import { type EventProof, type GenesisKeys, SEALED_KEY, verifyProof } from '../verify/index.js';
import type { DemoNode } from './demo-node.js';
import * as ev from './events.js';

/**
 * The privacy scenes of the demo story (docs/privacy.md): what a competitor cannot see, what a
 * downstream retailer sees of its goods' origin, and an auditor's selective disclosure. Each scene
 * checks what it says against the nodes, like the rest of the story.
 */
export interface PrivacyScenes {
  grower: DemoNode;
  competitor: DemoNode;
  retailer: DemoNode;
  /** The retailer's case 1, made from lot A. */
  caseId: string;
  /** A fresh lot of this run, which only the grower will ever handle. */
  privateLot: string;
  /** Genesis: its keys, privacy mode and auditor grants (only `org` is read of a grant). */
  genesis: GenesisKeys & { privacy?: 'sealed' | 'open'; grants?: ReadonlyArray<{ org: string }> };
  step: (n: number, text: string) => void;
  check: (ok: boolean, what: string, detail?: string) => void;
  print: (line: string) => void;
  capture: (node: DemoNode, events: ev.Ev[], expected: (string | null)[]) => Promise<void>;
}

type QueryDocument = {
  epcisBody?: { queryResults?: { resultsBody?: { eventList?: Record<string, unknown>[] } } };
};

/** GET `path` at `node` with `viewer`'s token: status and parsed body (JSON or problem+json). */
async function get(
  node: DemoNode,
  viewer: DemoNode,
  path: string,
): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${node.url}${path}`, {
    headers: { authorization: `Bearer ${viewer.token}`, accept: 'application/json' },
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: res.status, body };
}

const eventsOf = (body: unknown): Record<string, unknown>[] =>
  (body as QueryDocument).epcisBody?.queryResults?.resultsBody?.eventList ?? [];

/** A problem body without `instance`, which differs from request to request anyway. */
const problemShape = (body: unknown): string => {
  const { instance: _, ...rest } = (body ?? {}) as Record<string, unknown>;
  return JSON.stringify(rest);
};

export async function privacyScenes(s: PrivacyScenes, first: number): Promise<void> {
  const { grower, competitor, retailer, genesis, check } = s;
  const sealed = genesis.privacy === 'sealed';
  const granted = (node: DemoNode) => (genesis.grants ?? []).some((g) => g.org === node.org);

  s.step(
    first,
    `${grower.name} commissions lot C for a buyer outside this chain; ${competitor.name} may not even learn it exists.`,
  );
  await s.capture(grower, ev.commissionLots(grower.party, [s.privateLot]), [null]);
  const byEpc = `/events?MATCH_epc=${encodeURIComponent(s.privateLot)}`;
  const own = eventsOf((await get(grower, grower, byEpc)).body);
  const eventID = String(own[0]?.eventID ?? '');
  check(own.length === 1, `${grower.name} finds its lot C commissioning in its own queries`);
  if (granted(competitor)) {
    s.print(`   (${competitor.name} holds an auditor grant on this network: it sees every event)`);
  } else {
    const path = `/events/${encodeURIComponent(eventID)}`;
    const unknown = await get(
      competitor,
      competitor,
      `/events/${encodeURIComponent(`urn:uuid:${randomUUID()}`)}`,
    );
    for (const node of [competitor, grower]) {
      const seen = await get(node, competitor, path);
      check(
        seen.status === 404 && problemShape(seen.body) === problemShape(unknown.body),
        `${competitor.name}'s token at ${node.name}'s node: 404, the same answer as for an id that never existed`,
        `${seen.status} ${problemShape(seen.body)}`,
      );
    }
    const listed = eventsOf((await get(competitor, competitor, byEpc)).body);
    check(
      listed.length === 0,
      `${competitor.name}'s queries for lot C come back empty`,
      `${listed.length} event(s)`,
    );
  }

  s.step(first + 1, `${retailer.name} traces case 1 back to the field: it sees where its goods came from.`);
  const trace = await get(
    retailer,
    retailer,
    `/objects/${encodeURIComponent(s.caseId)}/trace?direction=backward`,
  );
  const custody = ((trace.body as { custody?: Array<Record<string, unknown>> }).custody ?? []).filter(
    (c) => c.org === grower.org && c.bizStep === 'commissioning',
  );
  const origin = String(custody[0]?.eventID ?? '');
  check(
    trace.status === 200 && custody.length > 0,
    `the backward trace of case 1 reaches ${grower.name}'s commissioning of lot A`,
  );
  // Read at the grower's node, which holds the sealed fields for the grower: still the public view.
  const read = await get(grower, retailer, `/events/${encodeURIComponent(origin)}`);
  const event = eventsOf(read.body)[0] ?? {};
  const ilmd = (event.ilmd ?? {}) as Record<string, unknown>;
  if (!sealed || granted(retailer)) {
    check(read.status === 200, `${retailer.name} reads the commissioning event`);
    s.print(`   (${sealed ? `${retailer.name} is an auditor here` : 'an open network: nothing is sealed'})`);
  } else {
    const ref = event[SEALED_KEY] as { held?: boolean; note?: string } | undefined;
    check(
      read.status === 200 && ref?.held === false && !('cbvmda:lotNumber' in ilmd),
      `${retailer.name} sees its public view (epcs, step, time, place); the lot number and harvest date are marked sealed`,
      JSON.stringify(event),
    );
    if (ref?.note) s.print(`     "${ref.note}"`);
  }

  s.step(
    first + 2,
    `${grower.name} proves lot A's lot number to an auditor, and nothing else of that event.`,
  );
  if (!sealed) {
    s.print('   (an open network: nothing is sealed, so there is nothing to disclose)');
    return;
  }
  const proofRes = await get(
    grower,
    grower,
    `/events/${encodeURIComponent(origin)}/proof?disclose=${encodeURIComponent('ilmd/cbvmda:lotNumber')}`,
  );
  const proof = proofRes.body as EventProof;
  const result = verifyProof(proof, genesis);
  const disclosed = result.disclosed ?? [];
  check(
    proofRes.status === 200 && result.ok && disclosed.length === 1 && disclosed[0]?.value === 'LOT-A',
    `the auditor verifies it offline against genesis.json: ilmd/cbvmda:lotNumber = ${JSON.stringify(disclosed[0]?.value)}`,
    result.failure ? `${result.failure.check}: ${result.failure.message}` : JSON.stringify(disclosed),
  );
  check(
    !JSON.stringify(proof).includes('harvestStartDate'),
    'the proof holds no other sealed field (the harvest date stays sealed)',
  );
  const forged = {
    ...proof,
    disclosures: (proof.disclosures ?? []).map((d) => ({ ...d, value: 'LOT-Z' })),
  };
  const refused = verifyProof(forged, genesis);
  check(
    !refused.ok && refused.failure?.check === 'disclosure',
    'a lot number changed in the proof fails the check named disclosure',
  );
}
