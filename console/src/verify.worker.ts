/// <reference lib="webworker" />
import { checksOf, type VerifyResult, verifyProof } from '../../services/verify/index.js';

// The browser-safe verifier (services/verify) off the main thread: a chain of hundreds of proofs
// keeps the page responsive. Each message is {id, proofs, genesis}; the answer is {id, results}.
self.onmessage = (e: MessageEvent<{ id: number; proofs: unknown[]; genesis: unknown }>) => {
  const { id, proofs, genesis } = e.data;
  const results = proofs.map((p): VerifyResult => {
    try {
      return verifyProof(p, genesis);
    } catch (err) {
      // verifyProof answers bad input with a failure; anything thrown is a bug, shown as a format failure.
      const failure = { check: 'format' as const, message: String(err) };
      const kind = (p as { kind?: unknown } | null)?.kind;
      const checks = checksOf(kind).map((check) =>
        check === 'format'
          ? { check, status: 'failed' as const, detail: failure.message }
          : { check, status: 'not-run' as const },
      );
      return { ok: false, verified: [], failure, checks };
    }
  });
  self.postMessage({ id, results });
};
