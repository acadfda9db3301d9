import { describe, expect, it } from 'vitest';
import type { StepResult } from './network.js';
import { type BenchResult, machineSpeed, renderSvg, renderTable, targetRows } from './report.js';

const step = (nodes: number, offered: number, committed: number, p99: number): StepResult => ({
  nodes,
  offered,
  posted: offered,
  committed,
  accepted: committed,
  rejected: 0,
  p50: p99 / 2,
  p95: p99,
  p99,
  ackP50: 1,
  ackP99: 2,
  seconds: 60,
  refused: 0,
  refusals: {},
  failed: 0,
  uncommitted: 0,
  rssMB: [120, 130],
  cpuUsPerEvent: [90, 70],
  blocks: 10,
  roundChanges: 0,
});

const result: BenchResult = {
  startedAt: '2026-11-30T12:00:00.000Z',
  loadAverage: { start: 1, end: 2 },
  seconds: 600,
  command: 'npm run bench',
  machine: { cpus: 2, cpuModel: 'cpu', memoryGB: 8, node: 'v20', platform: 'linux x64' },
  load: undefined,
};
const load: NonNullable<BenchResult['load']> = {
  four: {
    nodes: 4,
    steps: [step(4, 500, 500, 300), step(4, 1000, 900, 900), step(4, 2000, 1000, 5000)],
    saturation: 1000,
    half: step(4, 500, 500, 400),
    sustained: step(4, 1000, 900, 800),
    diskBytesPerEvent: 2500,
    rssMB: [120, 130],
  },
  one: {
    nodes: 1,
    steps: [step(1, 500, 500, 50), step(1, 1000, 1000, 60), step(1, 2000, 2000, 70)],
    saturation: 2000,
    diskBytesPerEvent: 2000,
    rssMB: [100],
  },
  ratio: 0.5,
  scale: [{ nodes: 7, offered: 1250, committed: 600, p99: 3000 }],
};
result.load = load;

describe('bench report', () => {
  it('marks each target met or missed from the figures, and leaves parts not run open', () => {
    const rows = targetRows(result);
    const met = (prefix: string) => rows.find((r) => r.figure.startsWith(prefix))?.met;
    expect(met('committed events/s')).toBe(false);
    expect(met('p99 capture-to-commit at half saturation')).toBe(false);
    expect(met('CPU per committed event per node')).toBe(false); // the busiest node takes 90 µs
    expect(met('four-node / one-node throughput')).toBe(true); // 0.5
    expect(met('disk per event, node')).toBe(false);
    expect(met('MATCH_anyEPC p99')).toBeUndefined();
    // Issue 18's targets: 400 ms at half saturation misses 250; 2,000/s offered is not 3,000.
    expect(
      targetRows({
        ...result,
        load: { ...load, four: { ...load.four, half: step(4, 500, 500, 240) } },
      }).find((r) => r.figure.startsWith('p99 capture-to-commit'))?.met,
    ).toBe(true);
    expect(met('p99 202 answer')).toBe(false);
    expect(rows.find((r) => r.figure.startsWith('p99 202 answer'))?.figure).toContain('2,000/s');
    expect(met('RSS, largest node')).toBe(true); // 130 MB at every step
    const ten = { nodes: 10, offered: 1250, committed: 2100, p99: 900 };
    expect(
      targetRows({ ...result, load: { ...load, scale: [ten] } }).find((r) => r.figure.includes('n = 10'))
        ?.met,
    ).toBe(true);
    expect(
      targetRows({ ...result, load: { ...load, scale: [{ ...ten, committed: 1900 }] } }).find((r) =>
        r.figure.includes('n = 10'),
      )?.met,
    ).toBe(false);
    expect(renderTable(result)).toContain('NO');
  });

  it('reads the privacy ratio from the peaks, with the first-saturation reading and CPU beside it', () => {
    const privacy = {
      open: 1500,
      sealed: 1200,
      ratio: 0.8,
      firstSaturated: { open: 1500, sealed: 900, ratio: 0.6 },
      nonRecipientBytesPerEvent: 2100,
      recipientBytesPerEvent: 2600,
      sealMsPerEvent: 0.15,
      openMsPerEvent: 0.12,
      cpuAtCommonRate: { offered: 1000, open: 350, sealed: 450 },
      atPeak: {
        offered: { open: 2000, sealed: 1500 },
        open: [1500, 1400, 1450],
        sealed: [1300, 1350, 1320],
        ratio: 0.91,
        pairs: [0.87, 0.96, 0.91],
      },
    };
    const rows = targetRows({ ...result, privacy });
    const row = (prefix: string) => rows.find((r) => r.figure.includes(prefix));
    expect(row('peak committed events/s sealed / open')).toMatchObject({ value: '0.8', met: false });
    expect(
      targetRows({ ...result, privacy: { ...privacy, ratio: 0.92 } }).find((r) => r.figure.includes('peak'))
        ?.met,
    ).toBe(true);
    expect(row('first saturated step')?.value).toBe('0.6');
    expect(row('CPU per event per node at 1,000/s')?.value).toBe('350 µs / 450 µs');
    expect(row('the peaks again, medians of 3 steps each (pairs 0.87, 0.96, 0.91)')).toMatchObject({
      value: '0.91',
      met: true,
    });
  });

  it('reports the memory part: the largest node under overload against 250 MB, and idle, split', () => {
    const sample = (rss: number, native: number) => ({
      rss,
      files: 48,
      v8Main: 90,
      v8Writer: 70,
      youngMain: 32,
      youngWriter: 16,
      v8Used: 100,
      buffers: 6,
      native,
    });
    const memory = {
      offered: 2000,
      seconds: 40,
      committed: 900,
      refused: 10,
      idle: [sample(210, 2), sample(220, 12)],
      peak: [sample(380, 172), sample(240, 32)],
    };
    const rows = targetRows({ ...result, memory });
    const overload = rows.find((r) => r.figure.startsWith('RSS under overload'));
    expect(overload).toMatchObject({ value: '380 MB', met: false });
    expect(overload?.figure).toContain('files 48, V8 90 + 70 (young 32 + 16), buffers 6, native 172 MB');
    expect(rows.find((r) => r.figure.startsWith('  idle'))).toMatchObject({ value: '220 MB' });
    const fits = { ...memory, peak: [sample(240, 32), sample(230, 22)] };
    expect(targetRows({ ...result, memory: fits }).find((r) => r.figure.startsWith('RSS under'))?.met).toBe(
      true,
    );
    // Not run: no rows.
    expect(rows.length - targetRows(result).length).toBe(2);
  });

  it('draws both networks on both panels, one point per step', () => {
    const svg = renderSvg(result);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg).toContain('Committed events/s');
    expect(svg).toContain('Capture-to-commit latency');
    // offered diagonal (3) + committed n=4 (3) + n=1 (3) + p50/p99 for both networks (4 × 3)
    expect(svg.match(/<circle /g)?.length).toBe(21);
    expect(svg.match(/<path /g)?.length).toBe(7);
  });

  it('heads the table with the machine, its load and its speed at both ends of the run', () => {
    const head = renderTable({ ...result, speed: { start: 9_012, end: 4_650 } }).split('\n')[0];
    expect(head).toBe(
      '2 × cpu, 8 GB, Node v20; load average 1 at the start, 2 at the end; 600 s; ' +
        'speed 9,012 Ed25519 verifies/s at the start, 4,650 at the end',
    );
    expect(machineSpeed()).toBeGreaterThan(0);
  });

  it('draws an empty chart without load results', () => {
    expect(renderSvg({ ...result, load: undefined })).toContain('no load results');
  });
});
