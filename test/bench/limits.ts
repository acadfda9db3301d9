/**
 * How long a capture at the per-event and per-document identifier limits (services/epcis
 * event-checks.ts) takes to commit on a one-member network, and how long GET /healthz waits
 * meanwhile; and how fast an event over the limit (the 100,000 EPCs) is refused.
 * Run: npm run build && npx tsc -p tsconfig.bench.json && node dist-bench/test/bench/limits.js
 */
import '../../services/common/polyfill.js';
import { MAX_DOCUMENT_IDENTIFIERS, MAX_EVENT_IDENTIFIERS } from '../../services/epcis/index.js';
import { Cluster, FAST_CONSENSUS } from '../support/cluster.js';

const run = Date.now().toString(36);
const epcs = (event: number, count: number) =>
  Array.from({ length: count }, (_, i) => `urn:epc:id:sgtin:0614141.107346.${run}-${event}-${i}`);

function documentOf(events: number, perEvent: number) {
  return {
    '@context': ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'],
    type: 'EPCISDocument',
    schemaVersion: '2.0',
    creationDate: '2026-11-24T10:00:00.000Z',
    epcisBody: {
      eventList: Array.from({ length: events }, (_, e) => ({
        type: 'ObjectEvent',
        eventTime: '2026-11-24T10:00:00.000Z',
        eventTimeZoneOffset: '+00:00',
        action: 'ADD',
        bizStep: 'commissioning',
        disposition: 'active',
        epcList: epcs(e, perEvent),
        readPoint: { id: 'urn:epc:id:sgln:0614140.00001.0' },
      })),
    },
  };
}

/** Polls /healthz back to back until stopped; returns the slowest answer in ms. */
function healthProbe(url: string) {
  let stop = false;
  let slowest = 0;
  const done = (async () => {
    while (!stop) {
      const t = performance.now();
      await fetch(`${url}/healthz`);
      slowest = Math.max(slowest, performance.now() - t);
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  return {
    async stop() {
      stop = true;
      await done;
      return slowest;
    },
  };
}

async function main() {
  const cluster = await Cluster.create(1, FAST_CONSENSUS);
  try {
    const [node] = cluster.nodes;
    if (!node) throw new Error('one node');
    cluster.start(node.org);
    await cluster.waitReady(node.org, 120_000);
    const events = MAX_DOCUMENT_IDENTIFIERS / MAX_EVENT_IDENTIFIERS;
    const doc = documentOf(events, MAX_EVENT_IDENTIFIERS);
    const body = JSON.stringify(doc);
    const probe = healthProbe(node.url);
    const t0 = performance.now();
    const post = (text: string) =>
      fetch(`${node.url}/capture`, {
        method: 'POST',
        headers: { 'content-type': 'application/ld+json', authorization: `Bearer ${node.token}` },
        body: text,
        signal: AbortSignal.timeout(600_000),
      });
    const res = await post(body);
    const acknowledged = performance.now() - t0;
    if (res.status !== 202) throw new Error(`capture: ${res.status} ${await res.text()}`);
    const { captureID } = (await res.json()) as { captureID: string };
    for (;;) {
      const job = await cluster.json<{ running: boolean; success: boolean }>(
        node.org,
        `/capture/${captureID}`,
      );
      if (!job.body.running) {
        if (!job.body.success) throw new Error(`capture failed: ${JSON.stringify(job.body)}`);
        break;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    const committed = performance.now() - t0;
    const slowestHealth = await probe.stop();

    const huge = JSON.stringify(documentOf(1, 100_000));
    const t1 = performance.now();
    const refused = await post(huge);
    const refusedMs = performance.now() - t1;
    const code = ((await refused.json()) as { errors?: { code?: string }[] }).errors?.[0]?.code;

    const mb = (text: string) => (Buffer.byteLength(text) / 1e6).toFixed(1);
    console.log(`document at the limits: ${events} events x ${MAX_EVENT_IDENTIFIERS} EPCs, ${mb(body)} MB`);
    console.log(`  202 after ${acknowledged.toFixed(0)} ms, committed after ${committed.toFixed(0)} ms`);
    console.log(`  slowest GET /healthz meanwhile: ${slowestHealth.toFixed(0)} ms`);
    console.log(
      `one event of 100,000 EPCs (${mb(huge)} MB): ${refused.status} ${code} after ${refusedMs.toFixed(0)} ms`,
    );
  } finally {
    await cluster.destroy();
  }
}

await main();
