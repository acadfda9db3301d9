import { getHeapSpaceStatistics, getHeapStatistics } from 'node:v8';

/**
 * What one V8 isolate (the main thread's, or the block writer thread's) holds, in bytes: the
 * heap's pages resident in memory, what live and not yet collected objects fill of them, the young
 * generation's share of the pages, and the native memory of the buffers its objects hold. A node's
 * resident memory is its binary, these two heaps, their buffers and other native allocations
 * (SQLite's page caches, libuv, OpenSSL): docs/benchmarks/README.md, "Memory under overload". Read in the isolate it describes: Node 20's Worker cannot read another thread's heap.
 */
export interface HeapFigures {
  physical: number;
  used: number;
  young: number;
  /** Outside the heap: the native memory of the buffers and ArrayBuffers its objects hold. */
  external: number;
}

export function heapFigures(): HeapFigures {
  const {
    total_physical_size: physical,
    used_heap_size: used,
    external_memory: external,
  } = getHeapStatistics();
  let young = 0;
  for (const space of getHeapSpaceStatistics()) {
    // new_space (the semi-spaces) and new_large_object_space: what a scavenge copies from.
    if (space.space_name.startsWith('new_')) young += space.physical_space_size;
  }
  return { physical, used, young, external };
}
