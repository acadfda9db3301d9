/**
 * Query and trace latency over a ledger of a million events (`npm run bench -- --only query`).
 * The ledger is built through Store.commitBlock (index included) in the bench process, which
 * gives store inserts/s; then a child process opens it as a node would (Store.open), times each
 * query and trace (p50 and p99 of many runs) and reports its resident set size, and the data
 * directory's bytes per event are counted once the store is closed. The ledger is a synthetic
 * supply chain: per lot a harvest, a transformation into two cases and a lot of cases, packing
 * onto a pallet, shipping, receiving.
 */
import { execFile } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { identifiersOf, type TxResult } from '../../services/execution/index.js';
import { type BlockHeader, type EpcisEvent, headerHash } from '../../services/ledger/index.js';
import {
  EVENT_QUERY_PARAMETERS,
  fsmaRows,
  identifierKey,
  parseEventQuery,
  queryPairs,
  toCsv,
  traceObject,
} from '../../services/query/index.js';
import { Store } from '../../services/storage/index.js';
import { ledgerNetwork, type NodeOnLedger, nodeOnLedger } from './node-rss.js';
import { durations, percentile } from './stats.js';

const PER_BLOCK = 1_000;
const START = Date.parse('2026-01-01T00:00:00Z');

const lot = (i: number) => `urn:epc:class:lgtin:0614141.107346.L${i}`;
const caseLot = (i: number) => `urn:epc:class:lgtin:0614141.207346.C${i}`;
const sgtin = (i: number) => `urn:epc:id:sgtin:0614141.107346.${i}`;
const sscc = (i: number) => `urn:epc:id:sscc:0614141.${String(i).padStart(10, '0')}`;
const sgln = (i: number) => `urn:epc:id:sgln:0614141.${String(i % 1000).padStart(5, '0')}.0`;

/** The five events of lot i, at ten-second steps. */
function lotEvents(i: number): EpcisEvent[] {
  const t = (k: number) => new Date(START + (i * 5 + k) * 10_000).toISOString();
  const id = (k: number) => `urn:uuid:bench-${i}-${k}`;
  const pallet = sscc(Math.floor(i / 10));
  return [
    {
      type: 'ObjectEvent',
      eventID: id(0),
      eventTime: t(0),
      action: 'ADD',
      bizStep: 'creating_class_instance',
      quantityList: [{ epcClass: lot(i), quantity: 1000, uom: 'KGM' }],
      bizLocation: { id: sgln(i) },
    },
    {
      type: 'TransformationEvent',
      eventID: id(1),
      eventTime: t(1),
      bizStep: 'creating_class_instance',
      inputQuantityList: [{ epcClass: lot(i), quantity: 1000, uom: 'KGM' }],
      outputEPCList: [sgtin(2 * i), sgtin(2 * i + 1)],
      outputQuantityList: [{ epcClass: caseLot(i), quantity: 40, uom: 'CS' }],
      bizLocation: { id: sgln(i + 1) },
      bizTransactionList: [{ type: 'prodorder', bizTransaction: `urn:epcglobal:cbv:bt:0614141000029:P${i}` }],
    },
    {
      type: 'AggregationEvent',
      eventID: id(2),
      eventTime: t(2),
      action: 'ADD',
      bizStep: 'packing',
      parentID: pallet,
      childEPCs: [sgtin(2 * i), sgtin(2 * i + 1)],
      bizLocation: { id: sgln(i + 1) },
    },
    {
      type: 'ObjectEvent',
      eventID: id(3),
      eventTime: t(3),
      action: 'OBSERVE',
      bizStep: 'shipping',
      disposition: 'in_transit',
      epcList: [pallet],
      readPoint: { id: sgln(i + 1) },
    },
    {
      type: 'ObjectEvent',
      eventID: id(4),
      eventTime: t(4),
      action: 'OBSERVE',
      bizStep: 'receiving',
      disposition: 'in_progress',
      epcList: [pallet],
      bizLocation: { id: sgln(i + 2) },
    },
  ] as EpcisEvent[];
}

/** Commits `total` events in blocks of PER_BLOCK; returns events/s. */
export function build(
  store: Store,
  total: number,
  progress = true,
  {
    network,
    genesisHash,
    auditor,
  }: {
    network: string;
    genesisHash: string;
    /** An org that receives every event, as an auditor grant makes it (the node that serves them). */
    auditor?: string;
  } = { network: 'n', genesisHash: 'aa'.repeat(32) },
): number {
  const lots = Math.ceil(total / 5);
  const lotsPerBlock = PER_BLOCK / 5;
  let parent = genesisHash;
  const began = performance.now();
  for (let height = 1, i = 0; i < lots; height++) {
    const timestamp = START + height * 1000;
    const recordTime = new Date(timestamp).toISOString();
    const captured: EpcisEvent[] = [];
    for (const end = Math.min(lots, i + lotsPerBlock); i < end; i++) captured.push(...lotEvents(i));
    const accepted = captured.map((e) => ({ ...e, recordTime }));
    const tx = {
      id: `tx${height}`,
      body: {
        kind: 'capture' as const,
        network,
        org: `org${height % 4}`,
        submitter: 'bench',
        errorBehaviour: 'rollback' as const,
        // The events are stored from the document (storage/tx-body.ts), as a node stores them.
        document: { epcisBody: { eventList: captured } },
      },
      signature: '',
    };
    const header: BlockHeader = {
      network,
      height,
      view: 0,
      parentHash: parent,
      txRoot: '',
      txCount: 1,
      proposer: 'org0',
      timestamp,
      parentStateRoot: '',
      parentResultsRoot: '',
      rulesHash: '',
    };
    const hash = headerHash(header);
    const verdicts = accepted.map((e) => ({ eventID: e.eventID, accepted: true }));
    const result: TxResult = {
      tx,
      success: true,
      errors: [],
      verdicts,
      accepted,
      // Each event goes to its capturer and the next org (a consignee), as a shipment would.
      indexed: accepted.map((e, position) => ({
        position,
        identifiers: identifiersOf(e),
        recipients: [`org${height % 4}`, `org${(height + 1) % 4}`, ...(auditor ? [auditor] : [])].sort(),
      })),
      rejected: [],
      declarations: [],
    };
    const custody = { objects: [], balances: [], alerts: [] };
    store.commitBlock(
      {
        hash,
        block: { header, txs: [tx] },
        certificate: { height, round: 0, blockHash: hash, signatures: [] },
      },
      { results: [result], custody, resultsRoot: '', rulesHash: '' },
    );
    parent = hash;
    if (progress && height % 100 === 0)
      process.stdout.write(
        `\r${i * 5} events, ${((i * 5) / ((performance.now() - began) / 1000)).toFixed(0)}/s`,
      );
  }
  const seconds = (performance.now() - began) / 1000;
  if (progress) process.stdout.write(`\r  built ${total} events in ${seconds.toFixed(1)} s\n`);
  return Math.round(total / seconds);
}

const IDENTITY = { network: 'n', genesisHash: 'aa'.repeat(32), genesisTimestamp: 0 };
const RUNS = 201;

export interface QueryTiming {
  name: string;
  p50: number;
  p99: number;
  /** Events (or trace nodes) of the last run. */
  size: string;
}

export interface QueryResults {
  events: number;
  /** Store.commitBlock events/s while building (index included). */
  insertsPerSecond: number;
  /** Data directory bytes per event, store closed (SQLite file, WAL checkpointed). */
  diskBytesPerEvent: number;
  /** RSS of the process that opened the store and answered the queries. */
  rssMB: number;
  queries: QueryTiming[];
  /** A node process started on the ledger: RSS, and queries over HTTP. */
  node: NodeOnLedger;
}

/** Each run asks about another lot, so the figures are not one cached page. */
function queriesFor(total: number): Record<string, (lotIndex: number) => string> {
  return {
    'MATCH_anyEPC one case': (i) => `MATCH_anyEPC=${encodeURIComponent(sgtin(2 * i))}`,
    'MATCH_anyEPC one pallet (Digital Link)': (i) =>
      `MATCH_anyEPC=${encodeURIComponent(identifierKey(sscc(Math.floor(i / 10))) ?? '')}`,
    'MATCH_anyEPCClass one lot': (i) => `MATCH_anyEPCClass=${encodeURIComponent(lot(i))}`,
    'MATCH_epc pattern (40% of events), first page': () => 'MATCH_epc=urn:epc:idpat:sgtin:0614141.107346.*',
    'MATCH_epc pattern matching nothing': () => 'MATCH_epc=urn:epc:idpat:sgtin:0614141.999999.*',
    'EQ_bizStep=shipping, first page': () => 'EQ_bizStep=shipping',
    'EQ_bizLocation one site, first page': (i) => `EQ_bizLocation=${encodeURIComponent(sgln(i))}`,
    'eventTime range ordered, first page': (i) =>
      `GE_eventTime=${new Date(START + i * 50_000).toISOString()}&orderBy=eventTime&orderDirection=ASC`,
    'recordTime range, first page': (i) => {
      const h = Math.floor((i * 5) / PER_BLOCK);
      return `GE_recordTime=${new Date(START + h * 1000).toISOString()}&LT_recordTime=${new Date(START + (h + 10) * 1000).toISOString()}`;
    },
    'EQ_bizStep + EQ_bizLocation, first page': (i) =>
      `EQ_bizStep=receiving&EQ_bizLocation=${encodeURIComponent(sgln(i))}`,
    'no filter, orderBy eventTime DESC': () => 'orderBy=eventTime',
    EQ_eventID: (i) => `EQ_eventID=urn:uuid:bench-${i}-3`,
    [`page ${Math.floor(total / 2)} deep, EQ_bizStep=shipping`]: () => 'EQ_bizStep=shipping',
  };
}

/** Times every query and trace on an opened store (the child process's work). */
function timeQueries(store: Store, total: number): QueryTiming[] {
  const reader = store.index.reader;
  const lots = Math.floor(total / 5);
  const lotAt = (r: number) => Math.floor(((r * 7919) % RUNS) * (lots / RUNS));
  const out: QueryTiming[] = [];
  // Each query twice: over the whole index, and as one member (org0 receives half the events), with
  // its org joined in as the API does (event_recipients), to show what visibility costs.
  for (const viewer of [undefined, 'org0']) {
    for (const [query, search] of Object.entries(queriesFor(total))) {
      const name = viewer === undefined ? query : `${query}, as ${viewer}`;
      let count = 0;
      let r = 0;
      const times = durations(RUNS, () => {
        const parsed = parseEventQuery(
          queryPairs(search(lotAt(r++)), EVENT_QUERY_PARAMETERS),
          '/events',
          viewer ?? 'org0',
        );
        if (query.startsWith('page ')) parsed.request.after = { value: 0, seq: total / 2 };
        const request = { ...parsed.request, filter: { ...parsed.request.filter, visibleTo: viewer } };
        count = reader.events(request).events.length;
      });
      out.push({ name, p50: percentile(times, 0.5), p99: percentile(times, 0.99), size: `${count} events` });
    }
  }
  const traces: Array<[string, (i: number) => string, 'backward' | 'forward']> = [
    ['trace backward from a pallet (+ FSMA CSV)', (i) => sscc(Math.floor(i / 10)), 'backward'],
    ['trace forward from a lot (+ FSMA CSV)', lot, 'forward'],
  ];
  for (const [name, id, direction] of traces) {
    let size = '';
    let r = 0;
    const times = durations(RUNS, () => {
      const key = id(lotAt(r++));
      const t = traceObject(reader, identifierKey(key) ?? key, direction);
      size = `${t?.trace.nodes.length} nodes, ${t?.trace.edges.length} edges`;
      if (t) toCsv(fsmaRows(t.trace, t.events));
    });
    out.push({ name, p50: percentile(times, 0.5), p99: percentile(times, 0.99), size });
  }
  return out;
}

function dirBytes(dir: string): number {
  return readdirSync(dir).reduce((sum, f) => sum + statSync(join(dir, f)).size, 0);
}

/** Builds the ledger in a one-member network's data directory, times it from a fresh process, then from its node. */
export async function queryBenchmarks(total: number): Promise<QueryResults> {
  const net = await ledgerNetwork();
  try {
    const store = Store.open(net.dataDir, net.identity);
    const insertsPerSecond = build(store, total, true, {
      network: net.identity.network,
      genesisHash: net.identity.genesisHash,
      // The node's own org reads over HTTP as an auditor would: without it, per-caller visibility
      // answers every trace 404 and every query empty, and the HTTP figures measure nothing.
      auditor: net.org,
    });
    store.close();
    const diskBytesPerEvent = Math.round(dirBytes(net.dataDir) / total);
    const child = fileURLToPath(import.meta.url);
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [child, net.dataDir, String(total), JSON.stringify(net.identity)],
      { maxBuffer: 1 << 24 },
    );
    const { rssMB, queries } = JSON.parse(stdout) as Pick<QueryResults, 'rssMB' | 'queries'>;
    const node = await nodeOnLedger(net.cluster, total);
    return { events: total, insertsPerSecond, diskBytesPerEvent, rssMB, queries, node };
  } finally {
    await net.cluster.destroy();
  }
}

// The child: node query.js <dataDir> <events> <identity JSON>
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [dir = '', total = '0', identity = '{}'] = process.argv.slice(2);
  const store = Store.open(dir, JSON.parse(identity) as typeof IDENTITY);
  const queries = timeQueries(store, Number(total));
  const rssMB = Math.round(process.memoryUsage().rss / 2 ** 20);
  store.close();
  console.log(JSON.stringify({ rssMB, queries }));
}
