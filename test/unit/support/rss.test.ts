import { describe, expect, it } from 'vitest';
import { cpuSeconds, rssMB } from '../../support/rss.js';

// The bench's per-process figures, read from /proc, against Node's own account of this process.
describe('process figures from /proc', () => {
  it('counts the CPU time a busy loop uses, and reads the resident set', () => {
    const before = cpuSeconds(process.pid);
    const start = process.cpuUsage();
    let x = 0;
    // Spin until Node says 200 ms of CPU went by (however long a loaded machine takes to give it).
    for (;;) {
      for (let i = 0; i < 10_000; i++) x += Math.sqrt(x + i);
      const { user, system } = process.cpuUsage(start);
      if (user + system >= 200_000) break;
    }
    const node = (() => {
      const { user, system } = process.cpuUsage(start);
      return (user + system) / 1e6;
    })();
    const proc = cpuSeconds(process.pid) - before;
    expect(x).toBeGreaterThan(0);
    // Both count every thread of the process; /proc in 10 ms ticks, other threads may add a little.
    expect(proc).toBeGreaterThanOrEqual(node - 0.03);
    expect(proc).toBeLessThan(node + 0.2);
    expect(rssMB(process.pid)).toBeGreaterThan(10);
    expect(cpuSeconds(undefined)).toBe(0);
  });
});
