import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { idKey } from '../../services/contracts/index.js';
import { verify } from '../../services/crypto/index.js';
import { eventsOf } from '../../services/ledger/index.js';
import { ProofQueries } from '../../services/query/index.js';
import { CHECKS, type StateProof, type VerdictProof, verifyProof } from '../../services/verify/index.js';
import { commission, epc, PARTY, ship } from '../contracts/helpers.js';
import { Chain } from './chain.js';

/** As it travels: JSON text, parsed by the auditor. */
const travel = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

describe('verdict and state proofs', () => {
  let chain: Chain;
  let proofs: ProofQueries;
  beforeEach(() => {
    chain = new Chain();
    proofs = new ProofQueries(chain.store, chain.genesisKeys(), verify);
  });
  afterEach(() => chain.close());

  it('prove a rejection and its reason code once the next block certifies the verdicts', () => {
    chain.commit(chain.capture('farm', [commission([epc(1)])]));
    const theft = chain.capture('packer', [ship([epc(1)], PARTY.retail)]);
    chain.commit(theft);
    const eventID = eventsOf(theft)[0]?.eventID as string;
    expect(() => proofs.event(eventID)).toThrow(expect.objectContaining({ code: 'NOT_READY' }));
    chain.commit();
    const proof = travel(proofs.event(eventID) as VerdictProof);
    expect(proof).toMatchObject({
      kind: 'verdict',
      height: 2,
      verdict: { eventID, status: 'rejected', code: 'CUSTODY_NOT_HELD' },
    });
    const result = verifyProof(proof, chain.genesisKeys());
    expect(result.failure).toBeUndefined();
    expect(result.verified.at(-1)).toBe(`verdict: block 2 rejected event ${eventID} with CUSTODY_NOT_HELD`);
    expect(result.verified.map((l) => l.split(':')[0])).toEqual(CHECKS.verdict);

    const forged = (f: (p: VerdictProof) => void) => {
      const copy = travel(proof);
      f(copy);
      return verifyProof(copy, chain.genesisKeys()).failure?.check;
    };
    expect(forged((p) => (p.verdict.code = 'ACCEPTED'))).toBe('inclusion');
    expect(forged((p) => (p.verdict.status = 'accepted'))).toBe('inclusion');
    expect(forged((p) => (p.height = 1))).toBe('verdict');
    // Another first byte, whatever the signature's was (a fixed '00' would change nothing 1 time in 256).
    const otherFirstByte = (hex: string) => `${hex.startsWith('00') ? '01' : '00'}${hex.slice(2)}`;
    expect(forged((p) => (p.tx.signature = otherFirstByte(p.tx.signature)))).toBe('tx-signature');
    expect(forged((p) => p.block.certificate.signatures.splice(1))).toBe('certificate');
  });

  it('prove an object’s current custody state against the certified state root', async () => {
    chain.commit(chain.capture('farm', [commission([epc(2), epc(3)])]));
    const key = `object:${idKey(epc(2))}`;
    // The block that changed the state is the tip: its state is not certified yet.
    expect(() => proofs.state(key)).toThrow(expect.objectContaining({ code: 'NOT_READY' }));
    chain.commit();
    const proof = travel(proofs.state(key) as StateProof);
    expect(proof.entry.value).toMatchObject({ owner: 'farm', custodian: 'farm', status: 'active' });
    const result = verifyProof(proof, chain.genesisKeys());
    expect(result.failure).toBeUndefined();
    expect(result.verified.at(-1)).toMatch(
      /^inclusion: bucket \d+ is under parentStateRoot [0-9a-f]{64} of block 2$/,
    );
    expect(result.verified.map((l) => l.split(':')[0])).toEqual(CHECKS.state);

    const forged = (f: (p: StateProof) => void) => {
      const copy = travel(proof);
      f(copy);
      return verifyProof(copy, chain.genesisKeys()).failure?.check;
    };
    expect(forged((p) => (p.entry.value.custodian = 'retail'))).toBe('state');
    expect(forged((p) => (p.entry.key = `object:${idKey(epc(3))}`))).toBe('state');
    expect(forged((p) => (p.path[5] = '00'.repeat(32)))).toBe('inclusion');
    expect(
      forged((p) => p.bucket.entries.reverse().push({ keyHash: 'ff'.repeat(32), leafHash: '00'.repeat(32) })),
    ).toBe('state');
    expect(proofs.state(`object:${idKey(epc(99))}`)).toBeUndefined();

    // While the block writer thread writes a block, the ledger may be ahead of the in-memory
    // tree that gives the path: no state proof then, a retry once the block is adopted.
    let stored = () => {};
    chain.store.blockWriting(new Promise<void>((resolve) => (stored = resolve)));
    expect(() => proofs.state(key)).toThrow(expect.objectContaining({ code: 'NOT_READY' }));
    stored();
    await new Promise((r) => setImmediate(r));
    expect(proofs.state(key)).toBeDefined();
  });
});
