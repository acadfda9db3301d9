import { isHex } from './hash.js';
import { PROOF_FORMAT, PROOF_FORMAT_V2 } from './types.js';

// Hand-written shape checks rather than ajv: the verifier stays a few kilobytes with only
// @noble/curves, @noble/hashes and canonicalize, as the proof format promises (docs/proofs.md).
// Each returns the first problem found, or undefined; later checks rely on the shapes checked here.

type Obj = Record<string, unknown>;

export const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNat = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
// Date's range, so a timestamp always has an ISO 8601 form.
const isTime = (v: unknown): v is number => Number.isSafeInteger(v) && Math.abs(v as number) <= 8.64e15;

function firstProblem(checks: Array<[boolean, string]>): string | undefined {
  return checks.find(([ok]) => !ok)?.[1];
}

export function genesisProblem(g: unknown): string | undefined {
  if (!isObject(g)) return 'the genesis file is not a JSON object';
  if (typeof g.network !== 'string' || g.network === '') return 'genesis has no network id';
  if (!Array.isArray(g.members) || g.members.length === 0) return 'genesis lists no members';
  const ids = new Set<string>();
  for (const m of g.members) {
    if (!isObject(m) || typeof m.id !== 'string') return 'a genesis member has no id';
    if (!isHex(m.publicKey, 32)) return `genesis member ${m.id} has no 32-byte hex publicKey`;
    if (ids.has(m.id)) return `genesis lists member ${m.id} twice`;
    ids.add(m.id);
  }
  return undefined;
}

/** The fields every kind shares. */
export function baseProblem(p: unknown): string | undefined {
  if (!isObject(p)) return 'the proof is not a JSON object';
  if (p.format !== PROOF_FORMAT && p.format !== PROOF_FORMAT_V2)
    return `format is ${JSON.stringify(p.format)}, expected "${PROOF_FORMAT}" or "${PROOF_FORMAT_V2}"`;
  if ((p.format === PROOF_FORMAT_V2) !== (p.kind === 'event' && p.disclosures !== undefined))
    return `${PROOF_FORMAT_V2} is the format of event proofs with disclosures, and only theirs`;
  if (typeof p.kind !== 'string') return 'the proof has no kind';
  if (typeof p.network !== 'string') return 'the proof has no network';
  const b = p.block;
  if (!isObject(b) || !isObject(b.header) || !isObject(b.certificate)) {
    return 'block must hold hash, header and certificate';
  }
  const h = b.header;
  const c = b.certificate;
  return firstProblem([
    [isHex(b.hash, 32), 'block.hash is not 32-byte hex'],
    [typeof h.network === 'string', 'block.header.network is not a string'],
    [isNat(h.height) && h.height >= 1, 'block.header.height is not a positive integer'],
    [isHex(h.txRoot, 32), 'block.header.txRoot is not 32-byte hex'],
    [isNat(h.txCount), 'block.header.txCount is not a count'],
    [isTime(h.timestamp), 'block.header.timestamp is not a time in milliseconds'],
    [isNat(c.height), 'block.certificate.height is not an integer'],
    [isNat(c.round), 'block.certificate.round is not an integer'],
    [typeof c.blockHash === 'string', 'block.certificate.blockHash is not a string'],
    [
      Array.isArray(c.signatures) &&
        c.signatures.every(
          (s) => isObject(s) && typeof s.member === 'string' && typeof s.signature === 'string',
        ),
      'block.certificate.signatures is not a list of {member, signature}',
    ],
  ]);
}

export function inclusionProblem(i: unknown): string | undefined {
  if (!isObject(i)) return 'inclusion is missing';
  return firstProblem([
    [isNat(i.index), 'inclusion.index is not an integer'],
    [isNat(i.count), 'inclusion.count is not a count'],
    [
      Array.isArray(i.path) && i.path.every((s) => isHex(s, 32)),
      'inclusion.path is not a list of 32-byte hex',
    ],
  ]);
}

export function txProblem(t: unknown): string | undefined {
  if (!isObject(t) || !isObject(t.body)) return 'tx must hold id, body and signature';
  const body = t.body;
  return firstProblem([
    [isHex(t.id, 32), 'tx.id is not 32-byte hex'],
    [typeof t.signature === 'string', 'tx.signature is not a string'],
    [typeof body.kind === 'string', 'tx.body.kind is not a string'],
    [typeof body.network === 'string', 'tx.body.network is not a string'],
    [typeof body.org === 'string', 'tx.body.org is not a string'],
  ]);
}
