/**
 * Query and trace latency over a ledger of a million events. Not a test (vitest only picks up
 * *.test.ts): run it compiled, from the repository root:
 *   npx tsc --outDir /tmp/wb --noEmit false -p tsconfig.json; cp package.json /tmp/wb/
 *   ln -sfn "$PWD/node_modules" /tmp/wb/node_modules
 *   node /tmp/wb/test/query/bench.js [events, default 1000000]
 * Builds the ledger through Store.commitBlock (index included), then prints the median time of
 * each query and trace. The ledger is a synthetic supply chain: per lot a harvest, a
 * transformation into two cases and a lot of cases, packing onto a pallet, shipping, receiving.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { TxResult } from '../../services/execution/index.js';
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

const TOTAL = Number(process.argv[2] ?? 1_000_000);
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

function build(store: Store): void {
  const lots = Math.ceil(TOTAL / 5);
  const lotsPerBlock = PER_BLOCK / 5;
  let parent = 'aa'.repeat(32);
  const began = performance.now();
  for (let height = 1, i = 0; i < lots; height++) {
    const timestamp = START + height * 1000;
    const recordTime = new Date(timestamp).toISOString();
    const accepted: EpcisEvent[] = [];
    for (const end = Math.min(lots, i + lotsPerBlock); i < end; i++) {
      for (const e of lotEvents(i)) accepted.push({ ...e, recordTime });
    }
    const tx = {
      id: `tx${height}`,
      body: {
        kind: 'capture' as const,
        network: 'n',
        org: `org${height % 4}`,
        submitter: 'bench',
        errorBehaviour: 'rollback' as const,
        document: {},
      },
      signature: '',
    };
    const header: BlockHeader = {
      network: 'n',
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
    if (height % 100 === 0)
      process.stdout.write(
        `\r${i * 5} events, ${((i * 5) / ((performance.now() - began) / 1000)).toFixed(0)}/s`,
      );
  }
  process.stdout.write(`\rbuilt ${TOTAL} events in ${((performance.now() - began) / 1000).toFixed(1)} s\n`);
}

function median(fn: () => unknown, runs = 21): number {
  const times: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t = performance.now();
    fn();
    times.push(performance.now() - t);
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)] ?? 0;
}

const dir = mkdtempSync(join(tmpdir(), 'waybill-query-bench-'));
try {
  const store = Store.open(dir, { network: 'n', genesisHash: 'aa'.repeat(32), genesisTimestamp: 0 });
  build(store);
  const reader = store.index.reader;
  const mid = Math.floor(TOTAL / 10);
  const queries: Record<string, string> = {
    'MATCH_anyEPC one case': `MATCH_anyEPC=${encodeURIComponent(sgtin(2 * mid))}`,
    'MATCH_anyEPC one pallet (Digital Link)': `MATCH_anyEPC=${encodeURIComponent(identifierKey(sscc(mid / 10)) ?? '')}`,
    'MATCH_anyEPCClass one lot': `MATCH_anyEPCClass=${encodeURIComponent(lot(mid))}`,
    'MATCH_epc pattern (40% of events), first page': 'MATCH_epc=urn:epc:idpat:sgtin:0614141.107346.*',
    'MATCH_epc pattern matching nothing': 'MATCH_epc=urn:epc:idpat:sgtin:0614141.999999.*',
    'EQ_bizStep=shipping, first page': 'EQ_bizStep=shipping',
    'EQ_bizStep=shipping, page from the middle': 'EQ_bizStep=shipping',
    'EQ_bizLocation one site, first page': `EQ_bizLocation=${encodeURIComponent(sgln(500))}`,
    'eventTime range ordered, first page': `GE_eventTime=${new Date(START + mid * 50_000).toISOString()}&orderBy=eventTime&orderDirection=ASC`,
    'recordTime range, first page': `GE_recordTime=${new Date(START + (TOTAL / PER_BLOCK / 2) * 1000).toISOString()}&LT_recordTime=${new Date(START + (TOTAL / PER_BLOCK / 2 + 10) * 1000).toISOString()}`,
    'EQ_bizStep + EQ_bizLocation, first page': `EQ_bizStep=receiving&EQ_bizLocation=${encodeURIComponent(sgln(7))}`,
    'no filter, orderBy eventTime DESC': 'orderBy=eventTime',
    EQ_eventID: `EQ_eventID=urn:uuid:bench-${mid}-3`,
  };
  console.log(`median of 21 runs, ${TOTAL} events, perPage 30:`);
  for (const [name, search] of Object.entries(queries)) {
    const parsed = parseEventQuery(queryPairs(search, EVENT_QUERY_PARAMETERS), '/events');
    if (name.includes('middle')) parsed.request.after = { value: 0, seq: TOTAL / 2 };
    let count = 0;
    const ms = median(() => {
      count = reader.events(parsed.request).events.length;
    });
    console.log(`  ${name.padEnd(42)} ${ms.toFixed(2).padStart(8)} ms  (${count} events)`);
  }
  const traces: Array<[string, string, 'backward' | 'forward']> = [
    ['trace backward from a pallet', sscc(mid / 10), 'backward'],
    ['trace forward from a lot', lot(mid), 'forward'],
  ];
  for (const [name, id, direction] of traces) {
    let size = '';
    const ms = median(() => {
      const r = traceObject(reader, identifierKey(id) ?? id, direction);
      size = `${r?.trace.nodes.length} nodes, ${r?.trace.edges.length} edges, ${r?.trace.custody.length} custody`;
      if (r) toCsv(fsmaRows(r.trace, r.events));
    });
    console.log(`  ${`${name} (+ CSV)`.padEnd(42)} ${ms.toFixed(2).padStart(8)} ms  (${size})`);
  }
  store.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
