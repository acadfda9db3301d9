import { describe, expect, it } from 'vitest';
import { type ErpClient, erpClients } from './erp.js';

const members = ['a', 'b'].map((org, index) => ({
  org,
  index,
  party: `urn:epc:id:pgln:061414${index + 1}.00001`,
  site: `urn:epc:id:sgln:061414${index + 1}.00001.0`,
}));

type Doc = { epcisBody: { eventList: Array<Record<string, unknown>> } };
const idsOf = (body: string): string[] =>
  (JSON.parse(body) as Doc).epcisBody.eventList.flatMap((e) =>
    ['epcList', 'inputEPCList', 'outputEPCList', 'childEPCs'].flatMap((k) => (e[k] as string[]) ?? []),
  );

describe('ERP load clients', () => {
  it('never name an item of a refused document again, at the client or at the member it ships to', () => {
    const [a, b] = erpClients(members, 't') as [ErpClient, ErpClient];
    let now = 0;
    const refused = new Set<string>();
    const used = new Set<string>();
    let reused = 0;
    for (let round = 0; round < 200; round++) {
      for (const client of [a, b]) {
        const doc = client.capture(20, now);
        const ids = idsOf(doc.body);
        for (const id of ids) {
          expect(refused.has(id)).toBe(false);
          if (used.has(id)) reused++;
          used.add(id);
        }
        // Every third document is refused.
        if (round % 3 === 0) {
          doc.refused();
          for (const id of ids) refused.add(id);
        }
      }
      now += 1_000;
    }
    // The stories go on: items are observed, shipped, received and packed again once mature.
    expect(reused).toBeGreaterThan(1_000);
    expect(refused.size).toBeGreaterThan(1_000);
  });
});
