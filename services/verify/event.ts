import { canonicalText } from '../common/canonical.js';
import { fail, type ProofKind, type VerifyContext } from './context.js';
import { ed25519Verify, fromHex, isHex, jcsHash, sha256 } from './hash.js';
import { rootFromPathWith } from './merkle.js';
import { inclusionProblem, isObject, txProblem } from './shape.js';
import { txSigningBytes } from './signed-bytes.js';
import type { EventProof } from './types.js';

const short = (hex: string) => `${hex.slice(0, 12)}…`;

/** An accepted event: block → tx root → transaction → its signature → the event in its document. */
export const eventKind: ProofKind = {
  shapeProblem: (p) =>
    inclusionProblem(p.inclusion) ??
    txProblem(p.tx) ??
    (Number.isSafeInteger(p.eventIndex) && (p.eventIndex as number) >= 0
      ? isObject(p.event)
        ? undefined
        : 'event is not a JSON object'
      : 'eventIndex is not an integer'),
  verify: (p, ctx) => verifyEvent(p as EventProof, ctx),
};

function verifyEvent(proof: EventProof, ctx: VerifyContext): void {
  verifyInclusion(proof, ctx);
  verifyTx(proof.tx, ctx);
  verifyEventBytes(proof, ctx);
}

function verifyInclusion({ inclusion, tx }: EventProof, ctx: VerifyContext): void {
  const { header } = ctx.block;
  if (inclusion.count !== header.txCount) {
    fail('inclusion', `inclusion.count ${inclusion.count} is not the block's txCount ${header.txCount}`);
  }
  const root = rootFromPathWith(sha256, tx.id, inclusion.index, inclusion.count, inclusion.path);
  if (root !== header.txRoot) {
    fail(
      'inclusion',
      `the path from transaction ${short(tx.id)} at ${inclusion.index} does not lead to the block's txRoot`,
    );
  }
  ctx.pass(
    'inclusion',
    `transaction ${tx.id} is leaf ${inclusion.index} of ${inclusion.count} under txRoot ${header.txRoot}`,
  );
}

/** The transaction's id is its body's hash and its signature is its org's genesis key's. */
export function verifyTx(tx: EventProof['tx'], ctx: VerifyContext): void {
  if (jcsHash(tx.body) !== tx.id)
    fail('tx-id', `transaction ${short(tx.id)}: its id is not sha256(JCS(body))`);
  ctx.pass('tx-id', 'the transaction id is sha256(JCS(body))');
  if (tx.body.network !== ctx.network) fail('network', `the transaction is for network ${tx.body.network}`);
  const key = ctx.members.get(tx.body.org);
  if (!key) fail('tx-signature', `the transaction's org ${tx.body.org} is not a genesis member`);
  const signature = isHex(tx.signature, 64) ? fromHex(tx.signature) : new Uint8Array(0);
  if (!ed25519Verify(key, txSigningBytes(tx.id), signature)) {
    fail('tx-signature', `the transaction's signature is not ${tx.body.org}'s node key's`);
  }
  ctx.pass('tx-signature', `signed by ${tx.body.org}'s node key from genesis`);
}

function verifyEventBytes(proof: EventProof, ctx: VerifyContext): void {
  const body = proof.tx.body as Record<string, unknown>;
  if (body.kind !== 'capture') fail('event', `the transaction is a ${body.kind} transaction, not a capture`);
  const document = body.document;
  const epcisBody = isObject(document) ? document.epcisBody : undefined;
  const list = isObject(epcisBody) ? epcisBody.eventList : undefined;
  const listed = Array.isArray(list) ? list[proof.eventIndex] : undefined;
  if (!isObject(listed))
    fail('event', `the transaction's document has no event at index ${proof.eventIndex}`);
  const recordTime = new Date(ctx.block.header.timestamp).toISOString();
  const expected: Record<string, unknown> = { ...listed, recordTime };
  const differing = differingFields(expected, proof.event);
  if (differing.length > 0) {
    fail(
      'event',
      `the event differs from event ${proof.eventIndex} of the transaction (with recordTime ${recordTime}) in: ${differing.join(', ')}`,
    );
  }
  ctx.pass(
    'event',
    `${String(proof.event.eventID)} is event ${proof.eventIndex} of the transaction's document, recordTime ${recordTime} (the block's timestamp)`,
  );
}

/** Top-level fields whose canonical encodings differ. */
function differingFields(a: Record<string, unknown>, b: Record<string, unknown>): string[] {
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  return keys.filter((k) => !sameJson(a[k], b[k]));
}

function sameJson(a: unknown, b: unknown): boolean {
  if (a === undefined || b === undefined) return a === b;
  return canonicalText(a) === canonicalText(b);
}
