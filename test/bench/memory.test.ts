import { describe, expect, it } from 'vitest';
import { residentOf, sampleOf } from './memory.js';

const MB = 2 ** 20;

describe('memory part: where a node resident memory goes', () => {
  it('reads resident anonymous and file pages of a live process from /proc', () => {
    const { anon, file } = residentOf(process.pid);
    // This process runs V8 (anonymous pages) from the node binary (file pages).
    expect(anon).toBeGreaterThan(10 * MB);
    expect(file).toBeGreaterThan(10 * MB);
  });

  it('splits RSS into files, both V8 heaps, their buffers and the native rest', () => {
    const metrics = new Map([
      ['waybill_heap_bytes{thread="main",kind="physical"}', 90 * MB],
      ['waybill_heap_bytes{thread="main",kind="used"}', 60 * MB],
      ['waybill_heap_bytes{thread="main",kind="young"}', 32 * MB],
      ['waybill_heap_bytes{thread="writer",kind="physical"}', 70 * MB],
      ['waybill_heap_bytes{thread="writer",kind="used"}', 40 * MB],
      ['waybill_heap_bytes{thread="writer",kind="young"}', 16 * MB],
      ['waybill_heap_bytes{thread="main",kind="external"}', 8 * MB],
      ['waybill_heap_bytes{thread="writer",kind="external"}', 4 * MB],
    ]);
    const sample = sampleOf({ anon: 200 * MB, file: 48 * MB, shmem: 2 * MB }, metrics);
    expect(sample).toEqual({
      rss: 250,
      files: 48,
      v8Main: 90,
      v8Writer: 70,
      youngMain: 32,
      youngWriter: 16,
      v8Used: 100,
      buffers: 12,
      native: 30,
    });
    // A node whose metrics did not answer: everything anonymous counts as native, nothing is invented.
    expect(sampleOf({ anon: 200 * MB, file: 48 * MB, shmem: 0 }, undefined)).toMatchObject({
      v8Main: 0,
      native: 200,
    });
  });
});
