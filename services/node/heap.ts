import { getHeapSpaceStatistics, getHeapStatistics } from 'node:v8';

/**
 * What one V8 isolate (the main thread's, or the block writer thread's) holds, in bytes: the
 * heap's pages resident in memory, what live and not yet collected objects fill of them, and the
 * young generation's share of the pages. A node's resident memory is its binary, these two heaps
 * and native allocations (SQLite's page caches, buffers): docs/benchmarks/README.md, "Memory under
 * overload". Read in the isolate it describes: Node 20's Worker cannot read another thread's heap.
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
