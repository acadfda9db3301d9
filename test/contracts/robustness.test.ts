import { afterEach, describe, expect, it, vi } from 'vitest';
import { createEngine, MemoryCustodyState, stateRoot } from '../../services/contracts/index.js';
import { prng, randomStream } from './generator.js';
import { MEMBERS, ruleSet } from './helpers.js';

afterEach(() => {
  vi.restoreAllMocks();
});

const junk = [null, 0, -1, 1.5, '', 'x', 'urn:epc:id:sgtin:bad', [], [null], [1, 'a'], {}, { id: 5 }, true];

describe('robustness', () => {
  it('never throws on odd event shapes, and still yields a state root', () => {
    const engine = createEngine(ruleSet(), MEMBERS);
    const state = new MemoryCustodyState();
    const r = prng(5);
    const fields = [
      'epcList',
      'parentID',
      'childEPCs',
      'inputEPCList',
      'outputEPCList',
      'quantityList',
      'childQuantityList',
      'inputQuantityList',
      'destinationList',
      'sourceList',
      'ilmd',
      'sensorElementList',
      'bizLocation',
      'readPoint',
      'bizStep',
      'disposition',
      'action',
      'eventID',
      'type',
    ];
    const base = randomStream(5, 2000);
    for (const [i, step] of base.entries()) {
      const event = { ...step.event };
      for (let k = 0; k < 2; k++) event[r.pick(fields)] = r.pick(junk);
      expect(() =>
        engine.process(event, { org: step.org, height: i + 1, timestamp: i }, state),
      ).not.toThrow();
    }
    expect(stateRoot(state)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('reads no clock and no randomness', () => {
    vi.spyOn(Date, 'now').mockImplementation(() => {
      throw new Error('clock read');
    });
    vi.spyOn(Math, 'random').mockImplementation(() => {
      throw new Error('randomness read');
    });
    const engine = createEngine(ruleSet(), MEMBERS);
    const state = new MemoryCustodyState();
    const verdicts = randomStream(11, 500).map((s, i) =>
      engine.process(s.event, { org: s.org, height: i + 1, timestamp: i }, state),
    );
    expect(verdicts.filter((v) => !v.accepted && v.code === 'RULE_ERROR')).toEqual([]);
    expect(stateRoot(state)).toMatch(/^[0-9a-f]{64}$/);
  });
});
