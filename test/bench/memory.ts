/**
 * Where a node's resident memory goes (docs/benchmarks/README.md, "Memory under overload"): a
 * sealed four-node network idle, then offered more than it commits. Each node's RSS is split into
 * the pages of files it maps (the node binary and native libraries), the V8 heaps of its main and
 * block writer threads (`waybill_heap_bytes`, resident pages), the buffers their objects hold, and
 * the rest of its anonymous memory (native allocations: SQLite's page caches, libuv, OpenSSL). Read every SAMPLE_MS during
 * the overload step; each node's figures are taken at its highest RSS.
 */
import { readFileSync } from 'node:fs';
import type { Cluster } from '../support/cluster.js';
import { log, withCluster } from './load.js';

const SAMPLE_MS = 1_000;
const MB = 2 ** 20;

/** One node's memory at one moment, MB. */
export interface MemorySample {
  rss: number;
  /** Resident pages of mapped files: the node binary, native addons and libraries. */
  files: number;
  /** V8 heap pages resident, main thread and block writer thread, and their young generations. */
  v8Main: number;
  v8Writer: number;
  youngMain: number;
  youngWriter: number;
  /** Live and not yet collected objects in both heaps. */
  v8Used: number;
  /** Native memory of the buffers and ArrayBuffers the objects of both heaps hold. */
  buffers: number;
  /** The rest of the anonymous memory: SQLite's page caches, libuv, OpenSSL, allocator slack. */
  native: number;
}

export interface MemoryResults {
  /** Offered events/s of the overload step, and its length. */
  offered: number;
  seconds: number;
  committed: number;
  refused: number;
  idle: MemorySample[];
  /** Each node at its highest RSS during the step. */
  peak: MemorySample[];
}

/** RssAnon, RssFile and RssShmem of a process, from /proc (Linux), bytes. */
export function residentOf(pid: number): { anon: number; file: number; shmem: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) * 1024;
  return { anon: kb('RssAnon'), file: kb('RssFile'), shmem: kb('RssShmem') };
}

const round = (bytes: number) => Math.round(bytes / MB);

/**
 * A node's sample from its process's resident pages and its metrics (`metrics`: parsed /metrics).
 * Native is what anonymous memory the V8 heaps and their buffers do not account for, never below zero.
 */
export function sampleOf(
  resident: { anon: number; file: number; shmem: number },
  metrics: ReadonlyMap<string, number> | undefined,
): MemorySample {
  const heap = (thread: string, kind: string) =>
    metrics?.get(`waybill_heap_bytes{thread="${thread}",kind="${kind}"}`) ?? 0;
  const v8Main = heap('main', 'physical');
  const v8Writer = heap('writer', 'physical');
  const buffers = heap('main', 'external') + heap('writer', 'external');
  return {
    rss: round(resident.anon + resident.file + resident.shmem),
    files: round(resident.file),
    v8Main: round(v8Main),
    v8Writer: round(v8Writer),
    youngMain: round(heap('main', 'young')),
    youngWriter: round(heap('writer', 'young')),
    v8Used: round(heap('main', 'used') + heap('writer', 'used')),
    buffers: round(buffers),
    native: round(Math.max(0, resident.anon + resident.shmem - v8Main - v8Writer - buffers)),
  };
}

async function sampleAll(cluster: Cluster): Promise<MemorySample[]> {
  return Promise.all(
    cluster.nodes.map(async (n) => {
      const pid = n.process?.pid;
      if (pid === undefined) throw new Error(`node ${n.org} has no process`);
      const metrics = await cluster.metrics(n.org).catch(() => undefined);
      return sampleOf(residentOf(pid), metrics);
    }),
  );
}

export function describe(s: MemorySample): string {
  return (
    `RSS ${s.rss} MB: files ${s.files}, V8 main ${s.v8Main} (young ${s.youngMain}), ` +
    `V8 writer ${s.v8Writer} (young ${s.youngWriter}), of which used ${s.v8Used}; buffers ${s.buffers}, ` +
    `other native ${s.native}`
  );
}

export async function memoryBenchmarks(quick: boolean): Promise<MemoryResults> {
  const offered = 2_000;
  const seconds = quick ? 5 : 40;
  return withCluster(4, { privacy: 'sealed' }, async (cluster, runner) => {
    // Idle once the network has settled after its start.
    await new Promise((resolve) => setTimeout(resolve, quick ? 1_000 : 5_000));
    const idle = await sampleAll(cluster);
    for (const [i, s] of idle.entries()) console.log(`  idle, node ${i + 1}: ${describe(s)}`);
    const peak = [...idle];
    let sampling = Promise.resolve();
    const timer = setInterval(() => {
      sampling = sampling.then(async () => {
        const now = await sampleAll(cluster).catch(() => undefined);
        now?.forEach((s, i) => {
          if (s.rss > (peak[i]?.rss ?? 0)) peak[i] = s;
        });
      });
    }, SAMPLE_MS);
    const step = await runner.step(offered, seconds).finally(() => clearInterval(timer));
    await sampling;
    log(step, 'memory: ');
    for (const [i, s] of peak.entries())
      console.log(`  at its highest during the step, node ${i + 1}: ${describe(s)}`);
    return { offered, seconds, committed: step.committed, refused: step.refused, idle, peak };
  });
}
