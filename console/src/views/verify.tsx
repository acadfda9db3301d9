import { useId, useState } from 'react';
import { ApiError, must } from '../api.js';
import { useApp } from '../common.js';
import { setAnchor, useAnchor, type VerifyResult, verifyInWorker } from '../verifier.js';

export type VerifyTarget = { kind: 'event'; eventID: string } | { kind: 'state'; id: string };

/** Loads the auditor's own genesis.json (or, with a warning, the node's) and shows its SHA-256. */
export function GenesisLoader() {
  const { api } = useApp();
  const anchor = useAnchor();
  const inputId = useId();
  const [error, setError] = useState('');
  return (
    <div className="anchor">
      <label htmlFor={inputId}>Genesis file</label>
      <input
        id={inputId}
        type="file"
        accept="application/json,.json"
        onChange={async (e) => {
          const file = e.target.files?.[0];
          if (!file) return;
          try {
            setAnchor(new Uint8Array(await file.arrayBuffer()), 'file', file.name);
            setError('');
          } catch {
            setError(`${file.name} is not JSON`);
          }
        }}
      />
      <button
        type="button"
        className="small"
        onClick={async () => {
          const r = await api.GET('/genesis', { parseAs: 'arrayBuffer' });
          if (r.data) setAnchor(new Uint8Array(r.data), 'node', 'this node’s GET /genesis');
        }}
      >
        Use this node’s genesis
      </button>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {anchor ? (
        <p className={anchor.source === 'node' ? 'warning' : 'muted'}>
          Verifying against <strong>{anchor.name}</strong>, SHA-256{' '}
          <code className="hash">{anchor.sha256}</code>.
          {anchor.source === 'node'
            ? ' Warning: this genesis comes from the node being checked; compare its SHA-256 with the consortium’s published one, or load your own file.'
            : ' Compare this SHA-256 with the one your consortium published.'}
        </p>
      ) : (
        <p className="muted">
          Load the genesis.json you hold; proofs are checked against it in this browser.
        </p>
      )}
    </div>
  );
}

/**
 * The result's checks with `disclosure` in its place after `event` for a v2 proof: the verifier
 * lists a kind's fixed checks (services/verify checksOf), and reports disclosure only in its
 * passed lines or its failure.
 */
function checksWithDisclosure(result: VerifyResult): VerifyResult['checks'] {
  if (result.checks.some((c) => c.check === 'disclosure')) return result.checks;
  const line = result.verified.find((v) => v.startsWith('disclosure: '));
  if (line) return [...result.checks, { check: 'disclosure', status: 'passed', detail: line.slice(12) }];
  if (result.failure?.check === 'disclosure')
    return [...result.checks, { check: 'disclosure', status: 'failed', detail: result.failure.message }];
  return result.checks;
}

/** The checks of one result, passed and failed, the first failure in words. */
export function CheckList({ result, proof }: { result: VerifyResult; proof?: unknown }) {
  const inclusion = (proof as { inclusion?: { index: number; count: number; path: string[] } } | undefined)
    ?.inclusion;
  return (
    <div className="checks">
      <p className={result.ok ? 'pass' : 'fail'} role="status">
        {result.ok
          ? `✓ Verified: all ${result.verified.length} checks passed`
          : `✗ Verification FAILED at check “${result.failure?.check}”: ${result.failure?.message}`}
      </p>
      <ol>
        {checksWithDisclosure(result).map((c) => (
          <li
            key={c.check}
            className={c.status === 'passed' ? 'pass' : c.status === 'failed' ? 'fail' : 'skipped'}
          >
            <span aria-hidden="true">
              {c.status === 'passed' ? '✓ ' : c.status === 'failed' ? '✗ ' : '– '}
            </span>
            {c.status === 'passed' ? (
              <>
                <span className="sr-only">passed: </span>
                {c.check}: {c.detail}
              </>
            ) : c.status === 'failed' ? (
              <>
                FAILED {c.check}: {c.detail}
              </>
            ) : (
              <>
                {c.check}: <span className="muted">not run after the failure</span>
              </>
            )}
          </li>
        ))}
      </ol>
      {inclusion && (
        <details>
          <summary>
            Merkle path: leaf {inclusion.index} of {inclusion.count}, {inclusion.path.length} siblings
          </summary>
          <ol className="hashes">
            {inclusion.path.map((h, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: a path may repeat a hash; its position is its identity
              <li key={i}>
                <code>{h}</code>
              </li>
            ))}
          </ol>
        </details>
      )}
    </div>
  );
}

/** A Verify button for one event's or object's proof. */
export function VerifyProof({ what }: { what: VerifyTarget }) {
  const { api } = useApp();
  const anchor = useAnchor();
  const [result, setResult] = useState<{ result: VerifyResult; proof: unknown } | undefined>();
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const run = async () => {
    if (!anchor) return;
    setBusy(true);
    setError('');
    setResult(undefined);
    try {
      const proof =
        what.kind === 'event'
          ? must(await api.GET('/events/{eventID}/proof', { params: { path: { eventID: what.eventID } } }))
          : (must(
              await api.GET('/objects/{id}', { params: { path: { id: what.id }, query: { proof: true } } }),
            ).proof as unknown);
      const [r] = await verifyInWorker([proof], anchor.genesis);
      if (r) setResult({ result: r, proof });
    } catch (err) {
      setError(err instanceof ApiError ? `${err.code}: ${err.message}` : String(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="verify" aria-label="Verify">
      <GenesisLoader />
      <button
        type="button"
        onClick={run}
        disabled={!anchor || busy}
        aria-describedby={anchor ? undefined : 'need-genesis'}
      >
        Verify
      </button>
      {!anchor && (
        <span id="need-genesis" className="muted">
          {' '}
          Load a genesis file first.
        </span>
      )}
      {busy && <span role="status"> Verifying…</span>}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {result && <CheckList result={result.result} proof={result.proof} />}
    </section>
  );
}
