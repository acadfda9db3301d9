/**
 * The wired path of a committed block on one core: custody contracts over the SQLite state,
 * the state tree, verdict roots and the block's storage transaction (`npm run bench`).
 */
import { performance } from 'node:perf_hooks';
import { commission, epc, PARTY, receive, ship } from '../contracts/helpers.js';
import { Chain, type Ev, type Org } from '../ledger/chain.js';

const BLOCK_EVENTS = 1000;
const PER_DOC = 100;

/** Documents of PER_DOC events each, as one org's ERP would send them. */
function documents(chain: Chain, org: Org, events: Ev[]) {
  const txs = [];
  for (let at = 0; at < events.length; at += PER_DOC)
    txs.push(chain.capture(org, events.slice(at, at + PER_DOC)));
  return txs;
}

/** Events/s of the block-apply path, per kind of event. */
export function ledgerBenchmarks(items = 30_000): Record<string, number> {
  const rates: Record<string, number> = {};
  const chain = new Chain();
  try {
    let events = 0;
    let ms = 0;
    const run = (label: string, org: Org, make: (i: number) => Ev) => {
      for (let at = 0; at < items; at += BLOCK_EVENTS) {
        const batch = Array.from({ length: Math.min(BLOCK_EVENTS, items - at) }, (_, i) => make(at + i));
        const txs = documents(chain, org, batch);
        chain.app.receive(txs); // signature and document checks happen on gossip, not in this figure
        const start = performance.now();
        chain.commit(...txs);
        ms += performance.now() - start;
        events += batch.length;
      }
      const rate = Math.round((events / ms) * 1000);
      rates[label] = rate;
      console.log(
        `ledger apply, ${label}: ${events} events in ${ms.toFixed(0)} ms = ${rate} events/s (blocks of ${BLOCK_EVENTS})`,
      );
      events = 0;
      ms = 0;
    };
    run('commission', 'farm', (i) => commission([epc(i)]));
    run('ship', 'farm', (i) => ship([epc(i)], PARTY.packer));
    run('receive', 'packer', (i) => receive([epc(i)]));
    const start = performance.now();
    const root = chain.store.custody.root();
    console.log(
      `custody state: ${items} objects, root ${root.slice(0, 12)}… (incremental; read in ${(performance.now() - start).toFixed(1)} ms)`,
    );
    return rates;
  } finally {
    chain.close();
  }
}
