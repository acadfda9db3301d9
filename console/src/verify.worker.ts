/// <reference lib="webworker" />
import { verifyProof } from '../../services/verify/index.js';

// The browser-safe verifier (services/verify) off the main thread: a chain of hundreds of proofs
// keeps the page responsive. Each message is {id, proofs, genesis}; the answer is {id, results}.
self.onmessage = (e: MessageEvent<{ id: number; proofs: unknown[]; genesis: unknown }>) => {
  const { id, proofs, genesis } = e.data;
  const results = proofs.map((p) => {
    try {
      return verifyProof(p, genesis);
    } catch (err) {
      return { ok: false, verified: [], failure: { check: 'format', message: String(err) } };
    }
  });
  self.postMessage({ id, results });
};
