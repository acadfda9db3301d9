/**
 * A node process over a big ledger: a one-member network whose data directory test/bench/query.ts
 * fills through Store.commitBlock with its synthetic supply chain, then started as operators start it. Reports its RSS once ready and after queries over HTTP, and
 * MATCH_anyEPC and trace latencies as an ERP or auditor sees them (HTTP included).
 */
import { performance } from 'node:perf_hooks';
import { loadNodeConfig } from '../../services/config/index.js';
import { Cluster } from '../support/cluster.js';
import { rssMB } from '../support/rss.js';
import { percentile } from './stats.js';

export interface NodeOnLedger {
  rssReadyMB: number;
  rssAfterQueriesMB: number;
  /** ms, HTTP included, from this process. */
  http: Array<{ name: string; p50: number; p99: number }>;
}

const sgtin = (i: number) => `urn:epc:id:sgtin:0614141.107346.${i}`;
const sscc = (i: number) => `urn:epc:id:sscc:0614141.${String(i).padStart(10, '0')}`;

/** A one-member network, not started: where to build the ledger, and the store identity of its node. */
export async function ledgerNetwork() {
  const cluster = await Cluster.create(1, {}, { env: { WAYBILL_LOG_LEVEL: 'warn' } });
  const node = cluster.nodes[0];
  if (!node) throw new Error('no node');
  const config = loadNodeConfig(node.configPath);
  const identity = {
    network: config.genesis.network,
    genesisHash: config.genesisHash,
    genesisTimestamp: config.genesis.timestamp,
  };
  return { cluster, dataDir: node.dataDir, identity, org: node.org };
}

/** Starts the network's node on the ledger built in its data directory, and measures it. */
export async function nodeOnLedger(cluster: Cluster, events: number): Promise<NodeOnLedger> {
  const node = cluster.nodes[0];
  if (!node) throw new Error('no node');
  cluster.start(node.org);
  await cluster.waitReady(node.org, 120_000);
  const pid = node.process?.pid;
  const rssReadyMB = rssMB(pid);
  const lots = Math.floor(events / 5);
  const http: NodeOnLedger['http'] = [];
  const paths: Array<[string, (i: number) => string]> = [
    ['GET /events?MATCH_anyEPC= one case', (i) => `/events?MATCH_anyEPC=${encodeURIComponent(sgtin(2 * i))}`],
    [
      'GET /objects/{pallet}/trace?direction=backward',
      (i) => `/objects/${encodeURIComponent(sscc(Math.floor(i / 10)))}/trace?direction=backward`,
    ],
  ];
  for (const [name, path] of paths) {
    const times: number[] = [];
    for (let r = 0; r < 201; r++) {
      const i = Math.floor(((r * 7919) % 201) * (lots / 201));
      const t = performance.now();
      const res = await cluster.request(node.org, path(i));
      const body = (await res.json()) as {
        epcisBody?: { queryResults?: { resultsBody?: { eventList?: unknown[] } } };
        custody?: unknown[];
      };
      if (res.status !== 200) throw new Error(`${name}: ${res.status}`);
      const found = body.epcisBody?.queryResults?.resultsBody?.eventList ?? body.custody ?? [];
      // An empty answer (nothing visible to the caller) would time nothing.
      if (found.length === 0) throw new Error(`${name}: the answer holds nothing`);
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    http.push({ name, p50: percentile(times, 0.5), p99: percentile(times, 0.99) });
  }
  return { rssReadyMB, rssAfterQueriesMB: rssMB(pid), http };
}
