/** Throughput of the custody engine on one core, in memory (`npm run bench`). */
import { performance } from 'node:perf_hooks';
import { createEngine, MemoryCustodyState, stateRoot } from '../../services/contracts/index.js';
import { randomStream, type Step } from '../contracts/generator.js';
import {
  commission,
  epc,
  MEMBERS,
  objectEvent,
  PARTY,
  receive,
  ruleSet,
  ship,
} from '../contracts/helpers.js';

function lifecycle(items: number): Step[] {
  const steps: Step[] = [];
  for (let i = 0; i < items; i++) {
    steps.push({ org: 'farm', event: commission([epc(i)]) });
    steps.push({ org: 'farm', event: ship([epc(i)], PARTY.packer) });
    steps.push({ org: 'packer', event: receive([epc(i)]) });
    steps.push({
      org: 'packer',
      event: objectEvent({ epcList: [epc(i)], action: 'OBSERVE', bizStep: 'storing' }),
    });
  }
  return steps;
}

function measure(name: string, steps: Step[], blockSize = 1000): number {
  const engine = createEngine(ruleSet(), MEMBERS);
  const state = new MemoryCustodyState();
  let accepted = 0;
  const start = performance.now();
  for (let at = 0, height = 1; at < steps.length; at += blockSize, height++) {
    const overlay = state.fork();
    for (const s of steps.slice(at, at + blockSize)) {
      if (engine.process(s.event, { org: s.org, height, timestamp: height * 1000 }, overlay).accepted)
        accepted++;
    }
    overlay.commit();
  }
  const ms = performance.now() - start;
  const rootStart = performance.now();
  const root = stateRoot(state);
  const rootMs = performance.now() - rootStart;
  const perSecond = Math.round((steps.length / ms) * 1000);
  console.log(
    `${name}: ${steps.length} events (${accepted} accepted) in ${ms.toFixed(0)} ms = ${perSecond} events/s; ` +
      `state root over ${[...state.objects()].length} objects in ${rootMs.toFixed(0)} ms (${root.slice(0, 12)}…)`,
  );
  return perSecond;
}

/** Custody engine events/s on one core, in memory: a random mix and a valid lifecycle. */
export function contractBenchmarks(scale = 1): { mixed: number; lifecycle: number } {
  // Warm up the JIT and the identifier cache, then measure.
  measure('engine warm-up', randomStream(1, 20_000, 2000));
  const mixed = measure('engine, mixed random stream', randomStream(2, Math.round(200_000 * scale), 2000));
  return { mixed, lifecycle: measure('engine, valid lifecycle', lifecycle(Math.round(50_000 * scale))) };
}
