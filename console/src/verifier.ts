import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { useSyncExternalStore } from 'react';
import type { VerifyResult } from '../../services/verify/index.js';

// The verifier's own result: every check of the proof's kind in its order (services/verify CHECKS),
// passed, failed or not run. A type only: the verifier itself loads in the worker.
export type { VerifyResult };

/** The genesis the auditor verifies against, with where it came from and its SHA-256. */
export interface TrustAnchor {
  genesis: unknown;
  sha256: string;
  source: 'file' | 'node';
  name: string;
}

let anchor: TrustAnchor | undefined;
const listeners = new Set<() => void>();

export function setAnchor(bytes: Uint8Array, source: TrustAnchor['source'], name: string): void {
  const genesis = JSON.parse(new TextDecoder().decode(bytes)) as unknown;
  anchor = { genesis, sha256: bytesToHex(sha256(bytes)), source, name };
  for (const l of listeners) l();
}

export function useAnchor(): TrustAnchor | undefined {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => anchor,
  );
}

let worker: Worker | undefined;
let nextId = 0;
const pending = new Map<number, (r: VerifyResult[]) => void>();

/** Verifies proofs in a Web Worker, which (and the verifier with it) loads on first use. */
export function verifyInWorker(proofs: unknown[], genesis: unknown): Promise<VerifyResult[]> {
  if (!worker) {
    worker = new Worker(new URL('./verify.worker.ts', import.meta.url), { type: 'module', name: 'verifier' });
    worker.onmessage = (e: MessageEvent<{ id: number; results: VerifyResult[] }>) => {
      pending.get(e.data.id)?.(e.data.results);
      pending.delete(e.data.id);
    };
  }
  const id = nextId++;
  const w = worker;
  return new Promise((resolve) => {
    pending.set(id, resolve);
    w.postMessage({ id, proofs, genesis });
  });
}
