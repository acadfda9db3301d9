import { fail, type ProofKind, type VerifyContext } from './context.js';
import { verifyTx } from './event.js';
import { jcsHash, sha256 } from './hash.js';
import { rootFromPathWith } from './merkle.js';
import { inclusionProblem, isObject, txProblem } from './shape.js';
import type { VerdictProof } from './types.js';

/** A verdict of block H: block H+1 → parentResultsRoot → verdict leaf → the judged transaction. */
export const verdictKind: ProofKind = {
  shapeProblem: (p) => inclusionProblem(p.inclusion) ?? txProblem(p.tx) ?? verdictProblem(p),
  verify: (p, ctx) => verifyVerdict(p as VerdictProof, ctx),
};

function verdictProblem(p: Record<string, unknown>): string | undefined {
  const v = p.verdict;
  if (!isObject(v)) return 'verdict is missing';
  if (typeof v.tx !== 'string') return 'verdict.tx is not a transaction id';
  if (v.status !== 'accepted' && v.status !== 'rejected') return 'verdict.status is not accepted or rejected';
  if (v.code !== null && typeof v.code !== 'string') return 'verdict.code is not a string or null';
  if (v.event !== null && !(Number.isSafeInteger(v.event) && (v.event as number) >= 0))
    return 'verdict.event is not an index or null';
  if (v.eventID !== null && typeof v.eventID !== 'string') return 'verdict.eventID is not a string or null';
  if (!Number.isSafeInteger(p.height)) return 'height is not an integer';
  return undefined;
}

function verifyVerdict(proof: VerdictProof, ctx: VerifyContext): void {
  const { header } = ctx.block;
  const root = (header as { parentResultsRoot?: unknown }).parentResultsRoot;
  if (proof.height !== header.height - 1) {
    fail(
      'verdict',
      `verdicts of block ${proof.height} are committed by block ${proof.height + 1}, not ${header.height}`,
    );
  }
  const leaf = jcsHash(proof.verdict);
  const { index, count, path } = proof.inclusion;
  if (typeof root !== 'string' || rootFromPathWith(sha256, leaf, index, count, path) !== root) {
    fail(
      'inclusion',
      `the verdict is not leaf ${index} of ${count} under block ${header.height}'s parentResultsRoot`,
    );
  }
  ctx.pass('inclusion', `the verdict is leaf ${index} of ${count} under parentResultsRoot ${root}`);
  if (proof.tx.id !== proof.verdict.tx) fail('tx-id', 'the transaction is not the one the verdict names');
  verifyTx(proof.tx, ctx);
  const { verdict } = proof;
  if (verdict.event !== null) {
    const body = proof.tx.body as { document?: { epcisBody?: { eventList?: unknown } } };
    const list = body.document?.epcisBody?.eventList;
    const event = Array.isArray(list)
      ? (list[verdict.event] as { eventID?: unknown } | undefined)
      : undefined;
    if (!isObject(event) || event.eventID !== verdict.eventID) {
      fail('verdict', `event ${verdict.event} of the transaction is not ${verdict.eventID}`);
    }
  }
  if ((verdict.status === 'accepted') !== (verdict.code === null)) {
    fail('verdict', 'an accepted verdict has no code and a rejected one has one');
  }
  const what = verdict.eventID === null ? `transaction ${verdict.tx}` : `event ${verdict.eventID}`;
  ctx.pass(
    'verdict',
    `block ${proof.height} ${verdict.status} ${what}${verdict.code ? ` with ${verdict.code}` : ''}`,
  );
}
