import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ruleSetHash } from '../../services/contracts/index.js';
import { generateEncryptionKey } from '../../services/crypto/index.js';
import { RejectCode, RULES_ACTIVATION_DELAY } from '../../services/execution/index.js';
import { commission, epc, PARTY, ship } from '../contracts/helpers.js';
import { RULE_FILES } from '../support/ledger.js';
import { Chain, ORGS } from './chain.js';

/** The shipped rules plus one: the farm may no longer ship (a quarantine the consortium votes in). */
const QUARANTINE = [
  ...RULE_FILES,
  {
    name: 'zz-quarantine.yaml',
    text: [
      'rules:',
      '  - id: quarantine',
      '    description: The farm is under quarantine and ships nothing.',
      '    when:',
      '      bizStep: shipping',
      '    require:',
      "      - check: org != 'farm'",
      '        code: QUARANTINED',
      '        message: the farm is under quarantine',
      '',
    ].join('\n'),
  },
];

describe('rule-set governance', () => {
  let chain: Chain;
  beforeEach(() => {
    chain = new Chain();
  });
  afterEach(() => chain.close());

  it('activates a proposal a fixed number of blocks after 2f+1 members approved it, and replays', () => {
    const hash = ruleSetHash(QUARANTINE);
    const genesisRules = chain.commit().header.rulesHash;
    chain.commit(chain.capture('farm', [commission([epc(1), epc(2)])]), chain.propose('packer', QUARANTINE));
    expect(chain.store.ruleProposal(hash)).toMatchObject({
      proposer: 'packer',
      approvals: ['packer'],
      activationHeight: null,
    });

    const early = chain.approve('retail', hash);
    const twice = chain.approve('packer', hash);
    chain.commit(early, twice);
    expect(chain.codes(twice)).toEqual([RejectCode.AlreadyApproved]);
    const deciding = chain.commit(chain.approve('carrier', hash));
    const activation = deciding.header.height + RULES_ACTIVATION_DELAY;
    expect(chain.store.ruleProposal(hash)).toMatchObject({
      approvals: ['packer', 'retail', 'carrier'],
      activationHeight: activation,
    });

    // Until the activation height, blocks are evaluated (and stamped) under the genesis rules.
    const before = chain.capture('farm', [ship([epc(1)], PARTY.packer)]);
    const last = chain.commit(before);
    expect(last.header.height).toBe(activation - 1);
    expect(last.header.rulesHash).toBe(genesisRules);
    expect(chain.result(before).success).toBe(true);

    const after = chain.capture('farm', [ship([epc(2)], PARTY.packer)]);
    const first = chain.commit(after);
    expect(first.header.rulesHash).toBe(hash);
    expect(chain.codes(after)).toEqual(['QUARANTINED']);

    // A node replaying the chain evaluates every block under the rules it was executed under.
    const fresh = chain.openStore(`${chain.dir}/replay`);
    const replay = chain.appOver(fresh, chain.mempool);
    for (let h = 1; h <= chain.store.tip().height; h++) {
      const stored = chain.store.getBlock(h);
      if (!stored) throw new Error(`block ${h} missing`);
      replay.commit(stored.block, stored.hash, stored.certificate);
      expect(fresh.blockRoots(h)).toEqual(chain.store.blockRoots(h));
    }
    expect(fresh.getTx(after.id)?.errors.map((e) => e.code)).toEqual(['QUARANTINED']);
    fresh.close();
  });

  it('refuses approvals of unknown proposals and duplicate proposals', () => {
    const unknown = chain.approve('retail', 'ab'.repeat(32));
    chain.commit(unknown);
    expect(chain.codes(unknown)).toEqual([RejectCode.UnknownProposal]);
    chain.commit(chain.propose('packer', QUARANTINE));
    const again = chain.propose('retail', QUARANTINE);
    chain.commit(again);
    expect(chain.codes(again)).toEqual([RejectCode.DuplicateProposal]);
  });

  it('never orders a proposal whose rules do not compile', () => {
    const broken = chain.propose('packer', [
      { name: 'bad.yaml', text: 'rules:\n  - id: x\n    require:\n      - check: "org +"\n' },
    ]);
    expect(chain.app.checkTx(broken)).toBe(false);
    expect(() => chain.app.proposeRules([{ name: 'bad.yaml', text: 'rules: [' }])).toThrow(/do not compile/);
    // Larger than every peer accepts: refused here, not queued to stall this node's proposals.
    const big = [{ name: 'big.yaml', text: `# ${'x'.repeat(256 * 1024)}\nrules: []\n` }];
    expect(() => chain.app.proposeRules(big)).toThrow(/too large/);
  });

  it('in a sealed network, never orders rules that read a sealed field (every node judges the public view)', async () => {
    const keys = Object.fromEntries(
      await Promise.all(ORGS.map(async (o) => [o, await generateEncryptionKey(o)] as const)),
    );
    const reading = [
      ...RULE_FILES,
      {
        name: 'zz-po.yaml',
        text: [
          'rules:',
          '  - id: needs-po',
          '    description: Shipments carry a purchase order.',
          '    when:',
          '      bizStep: shipping',
          '    require:',
          '      - check: size(event.bizTransactionList) > 0',
          '        code: NO_PO',
          '        message: a shipment names its purchase order',
          '',
        ].join('\n'),
      },
    ];
    const sealed = new Chain('farm', undefined, keys as never);
    try {
      expect(() => sealed.app.proposeRules(reading)).toThrow(/do not compile/);
      const proposal = sealed.propose('packer', reading);
      expect(sealed.app.checkTx(proposal)).toBe(false);
      // The same files are a valid proposal where nothing is sealed; and QUARANTINE, reading only
      // the public `org`, in a sealed network.
      expect(chain.app.checkTx(chain.propose('packer', reading))).toBe(true);
      expect(sealed.app.checkTx(sealed.propose('packer', QUARANTINE))).toBe(true);
      // An ilmd key the genesis rules do not read is sealed too: a rule set reading it is refused.
      const otherIlmd = RULE_FILES.map((f) => ({
        ...f,
        text: f.text.replaceAll('waybill:minTemperature', 'example:coldMin'),
      }));
      expect(otherIlmd).not.toEqual(RULE_FILES);
      expect(() => sealed.app.proposeRules(otherIlmd)).toThrow(
        expect.objectContaining({
          meta: expect.objectContaining({
            errors: expect.arrayContaining([
              expect.objectContaining({ message: expect.stringMatching(/ilmd key example:coldMin/) }),
            ]),
          }),
        }),
      );
      expect(sealed.app.checkTx(sealed.propose('packer', otherIlmd))).toBe(false);
      expect(chain.app.checkTx(chain.propose('packer', otherIlmd))).toBe(true);
    } finally {
      sealed.close();
    }
  });
});
