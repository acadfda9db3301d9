import { Domain, signingBytes } from '../common/canonical.js';
import { fromHex, toHex } from '../common/index.js';
import type { Signer, Verify } from '../crypto/index.js';
import { peerIdFromPublicKey } from '../p2p/index.js';
import type { MemberRecord } from './members.js';
import type { MemberFile } from './types.js';

const SLUG = /^[a-z0-9][a-z0-9-]{0,62}$/;
const URI = /^[a-z][a-z0-9+.-]*:\S+$/;
const HEX32 = /^[0-9a-f]{64}$/;
const MAX_LIST = 1000;
const MAX_TEXT = 256;

/** The description a member file signs: every field but the signature. */
function signedPart(file: MemberRecord & { signature?: string }): Uint8Array {
  const { signature: _, ...description } = file;
  return signingBytes(Domain.Member, description);
}

/** `waybill member init`: the member's description, signed by its node key. */
export function signMemberFile(record: MemberRecord, signer: Signer): MemberFile {
  return { ...record, signature: toHex(signer.sign(signedPart(record))) };
}

const isText = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= MAX_TEXT;
const isPort = (v: unknown) => Number.isSafeInteger(v) && (v as number) >= 1 && (v as number) <= 65535;
const isUriList = (v: unknown) =>
  Array.isArray(v) &&
  v.length <= MAX_LIST &&
  v.every((u) => typeof u === 'string' && u.length <= 2000 && URI.test(u));

/**
 * Why a member file does not verify, or undefined: its fields have their shapes, its peer id is
 * the one its node key gives, and its node key signed it (so whoever hands it over holds the key).
 * Deterministic: the ledger checks every member proposal with it.
 */
export function memberFileProblem(file: unknown, verify: Verify): string | undefined {
  if (typeof file !== 'object' || file === null || Array.isArray(file))
    return 'a member file is a JSON object';
  const m = file as Partial<MemberFile> & Record<string, unknown>;
  if (typeof m.id !== 'string' || !SLUG.test(m.id)) return 'id must be a lower-case slug';
  if (!isText(m.name)) return 'name must be a non-empty string';
  if (!isUriList(m.parties) || !isUriList(m.locations)) return 'parties and locations must be lists of URIs';
  if (!isText(m.host) || !isPort(m.apiPort) || !isPort(m.p2pPort))
    return 'host, apiPort and p2pPort are required';
  if (m.role !== undefined && m.role !== 'validator' && m.role !== 'observer')
    return 'role must be validator or observer';
  const jwk = m.jwtIssuerKey as Record<string, unknown> | undefined;
  if (
    jwk?.kty !== 'OKP' ||
    jwk.crv !== 'Ed25519' ||
    typeof jwk.x !== 'string' ||
    !/^[A-Za-z0-9_-]{43}$/.test(jwk.x)
  )
    return 'jwtIssuerKey must be an Ed25519 public JWK';
  const keys = encryptionKeysProblem(m.encryptionKeys, m.id);
  if (keys) return keys;
  if (typeof m.publicKey !== 'string' || !HEX32.test(m.publicKey)) return 'publicKey must be 32 bytes of hex';
  const key = fromHex(m.publicKey);
  let peerId: string;
  try {
    peerId = peerIdFromPublicKey(key);
  } catch {
    return 'publicKey is not an Ed25519 public key';
  }
  if (m.peerId !== peerId) return `peerId must be ${peerId}, the peer id of publicKey`;
  if (typeof m.signature !== 'string' || !/^[0-9a-f]{128}$/.test(m.signature)) return 'signature is missing';
  if (!verify(key, signedPart(m as MemberFile), fromHex(m.signature)))
    return 'signature does not verify under publicKey';
  return undefined;
}

const B64URL32 = /^[A-Za-z0-9_-]{43}$/;
const MAX_ENCRYPTION_KEYS = 8;

/**
 * encryptionKeys, when present: up to 8 X25519 public JWKs, each with a kid `<id>#<n>` unique in
 * the file (so no member can claim another's kid) and a whole `from` height.
 */
function encryptionKeysProblem(value: unknown, id: string): string | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_ENCRYPTION_KEYS)
    return `encryptionKeys must list 1 to ${MAX_ENCRYPTION_KEYS} keys`;
  const kids = new Set<string>();
  for (const k of value as Record<string, unknown>[]) {
    if (typeof k !== 'object' || k === null || k.kty !== 'OKP' || k.crv !== 'X25519')
      return 'encryptionKeys must be X25519 public JWKs (kty OKP, crv X25519)';
    if (typeof k.x !== 'string' || !B64URL32.test(k.x)) return 'an encryption key has no 32-byte x';
    if ('d' in k) return 'an encryption key carries its private part (d): hand over the public key only';
    if (typeof k.kid !== 'string' || !k.kid.startsWith(`${id}#`) || k.kid.length > MAX_TEXT)
      return `encryption key ids must start with ${id}#`;
    if (kids.has(k.kid)) return `encryption key id ${k.kid} is listed twice`;
    kids.add(k.kid);
    if (!Number.isSafeInteger(k.from) || (k.from as number) < 0)
      return 'an encryption key needs a whole from height';
  }
  return undefined;
}

/** The record the member set keeps: the file without its signature. */
export function recordOf(file: MemberFile): MemberRecord {
  const { signature: _, ...record } = file;
  return record;
}
