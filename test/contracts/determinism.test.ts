import { describe, expect, it } from 'vitest';
import { createEngine, MemoryCustodyState, stateRoot, type Verdict } from '../../services/contracts/index.js';
import { prng, randomStream, type Step } from './generator.js';
import { MEMBERS, ruleSet } from './helpers.js';

/** Splits the stream into blocks whose sizes come from `sizes`, and runs it block by block. */
function runNode(steps: Step[], blockSize: (block: number) => number, discardEvery = 0) {
  const engine = createEngine(ruleSet(), MEMBERS);
  const committed = new MemoryCustodyState();
  const verdicts: Verdict[] = [];
  const roots: string[] = [];
  let at = 0;
  for (let height = 1; at < steps.length; height++) {
    const block = steps.slice(at, at + Math.max(1, blockSize(height)));
    const timestamp = 1_777_000_000_000 + height * 1000;
    if (discardEvery > 0 && height % discardEvery === 0) {
      // A block executed and thrown away (a round that did not commit) leaves no trace.
      const scratch = committed.fork();
      for (const s of block) engine.process(s.event, { org: s.org, height, timestamp }, scratch);
    }
    const overlay = committed.fork();
    for (const s of block) verdicts.push(engine.process(s.event, { org: s.org, height, timestamp }, overlay));
    overlay.commit();
    roots.push(stateRoot(committed));
    at += block.length;
  }
  return { verdicts, root: stateRoot(committed), roots, state: committed };
}

const summary = (v: Verdict) => (v.accepted ? `ok:${v.rules.join(',')}` : `${v.code}@${v.rule}`);

describe('determinism', () => {
  for (const seed of [1, 2, 3, 42, 2026]) {
    it(`four nodes with different block boundaries agree (seed ${seed})`, () => {
      const steps = randomStream(seed, 1500);
      const r = prng(seed * 7 + 1);
      const randomSizes = Array.from({ length: 2000 }, () => 1 + r.int(50));
      const nodes = [
        runNode(steps, () => 1),
        runNode(steps, () => 7),
        runNode(steps, (h) => randomSizes[h] ?? 1, 3),
        runNode(steps, () => 10_000),
      ];
      const [first, ...others] = nodes.map((n) => ({ verdicts: n.verdicts.map(summary), root: n.root }));
      for (const other of others) {
        expect(other.verdicts).toEqual(first?.verdicts);
        expect(other.root).toBe(first?.root);
      }
      // The stream exercises both outcomes and many codes.
      const codes = new Set(first?.verdicts.map((v) => v.split('@')[0]?.split(':')[0]));
      expect(codes.has('ok')).toBe(true);
      expect(codes.size).toBeGreaterThan(6);
    });
  }

  it('the state root depends on the state only, not on how it was reached', () => {
    const steps = randomStream(7, 400);
    const a = runNode(steps, () => 5);
    const b = runNode(steps, () => 13);
    expect(a.root).toBe(b.root);
    expect(a.root).toMatch(/^[0-9a-f]{64}$/);
    const other = runNode(randomStream(8, 400), () => 5);
    expect(other.root).not.toBe(a.root);
  });

  it('balances never go negative', () => {
    const { state } = runNode(randomStream(99, 3000), () => 20);
    for (const [, quantity] of state.balances()) expect(quantity).toBeGreaterThan(0);
  });
});
