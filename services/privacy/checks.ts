import { hashOf } from '../common/index.js';
import type { EncryptionPublicKey } from '../crypto/index.js';
import type { CaptureTxBody, SealedGroup } from '../ledger/index.js';
import { isHex, SEALED_KEY } from '../verify/index.js';
import { JWE_ALG, JWE_ENC, sealedAad } from './jwe.js';
import { groupRoots } from './seal.js';
import type { TierBook } from './tiers.js';

/** Stable reason codes of sealed captures (docs/privacy.md); every node reaches the same one. */
export enum SealedCode {
  /** An event's ciphertext is not sealed to every member that must receive it. */
  Recipients = 'SEALED_RECIPIENTS',
  /** A recipient key id no member has in genesis. */
  UnknownKey = 'SEALED_UNKNOWN_KEY',
  /** A recipient key that is not active at the block's height (not yet, or retired). */
  StaleKey = 'SEALED_STALE_KEY',
  /** Not a sealed capture of the shape docs/privacy.md defines (JWE, commitments, binding). */
  Malformed = 'SEALED_MALFORMED',
  /** A ciphertext that does not hash to the digest its capture names. */
  Digest = 'SEALED_DIGEST',
  /**
   * The public views resolve parties and sites against a member set whose parties and sites differ
   * from those in force at the block's height (a member admitted, removed or changed meanwhile).
   */
  StaleView = 'SEALED_STALE_VIEW',
}

export interface SealedProblem {
  code: SealedCode;
  message: string;
}

/**
 * The encryption keys of the members, by kid; `until`: the height from which the key is retired
 * (its member removed or the key rotated out), absent while it is in force.
 */
export type KeyRing = ReadonlyMap<string, EncryptionPublicKey & { org: string; until?: number }>;

export function keyRingOf(
  members: ReadonlyArray<{ id: string; encryptionKeys?: readonly EncryptionPublicKey[] }>,
): KeyRing {
  const out = new Map<string, EncryptionPublicKey & { org: string }>();
  for (const m of members) for (const k of m.encryptionKeys ?? []) out.set(k.kid, { ...k, org: m.id });
  return out;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const malformed = (message: string): SealedProblem => ({ code: SealedCode.Malformed, message });
const B64URL = /^[A-Za-z0-9_-]*$/;
const isB64 = (v: unknown): v is string => typeof v === 'string' && B64URL.test(v);

function protectedHeader(value: unknown): Record<string, unknown> | undefined {
  if (!isB64(value)) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
    return isRecord(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** A JWE General JSON object as docs/privacy.md seals it, naming `kids` in order. */
function jweProblem(jwe: unknown, kids: readonly string[]): string | undefined {
  if (!isRecord(jwe)) return 'its jwe is not a JSON object';
  for (const k of ['protected', 'iv', 'ciphertext', 'tag', 'aad']) {
    if (!isB64(jwe[k]) || (jwe[k] as string).length === 0) return `its jwe has no base64url ${k}`;
  }
  const header = protectedHeader(jwe.protected);
  if (header?.enc !== JWE_ENC) return `its jwe's protected header does not say enc ${JWE_ENC}`;
  const recipients = jwe.recipients;
  if (!Array.isArray(recipients) || recipients.length !== kids.length)
    return 'its jwe does not list one recipient per kid';
  for (const [i, r] of recipients.entries()) {
    const h = isRecord(r) ? r.header : undefined;
    if (!isRecord(r) || !isRecord(h) || h.kid !== kids[i])
      return `its jwe recipient ${i} is not kid ${kids[i]}`;
    if (h.alg !== JWE_ALG) return `its jwe recipient ${i} is not ${JWE_ALG}`;
    // jose puts a lone recipient's ephemeral key in the protected header, several in their own.
    const epk = h.epk ?? (recipients.length === 1 ? header.epk : undefined);
    if (!isRecord(epk) || epk.kty !== 'OKP' || epk.crv !== 'X25519' || !isB64(epk.x))
      return `its jwe recipient ${i} has no X25519 epk`;
    if (!isB64(r.encrypted_key) || r.encrypted_key.length === 0)
      return `its jwe recipient ${i} has no encrypted_key`;
  }
  return undefined;
}

/**
 * The first problem with a capture's sealing, the same on every node: the network's mode, each
 * event's commitment, each group's shape, digest and binding to this transaction, and its keys at
 * `height`. Whether the recipients are enough is checked per event (recipientsProblem).
 */
export function sealedProblem(
  body: CaptureTxBody,
  events: readonly Record<string, unknown>[],
  sealedNetwork: boolean,
  keys: KeyRing,
  height: number,
): SealedProblem | undefined {
  if (!sealedNetwork) {
    return body.sealed === undefined && body.viewHeight === undefined
      ? undefined
      : malformed('this network is open: captures are not sealed');
  }
  const groups = body.sealed;
  if (!Array.isArray(groups) || groups.length === 0)
    return malformed('this network is sealed: a capture carries its sealed parts');
  const used = new Set<number>();
  for (const [i, e] of events.entries()) {
    const ref = e[SEALED_KEY];
    if (!isRecord(ref) || !isHex(ref.root, 32) || !Number.isSafeInteger(ref.group))
      return malformed(`event ${i} has no ${SEALED_KEY} {root, group}`);
    const group = ref.group as number;
    if (group < 0 || group >= groups.length)
      return malformed(`event ${i} names group ${group}, which does not exist`);
    used.add(group);
  }
  for (const [g, group] of (groups as unknown[]).entries()) {
    const problem = groupProblem(group, g, used.has(g));
    if (problem) return problem;
    const { kids, digest, jwe } = group as SealedGroup;
    if (hashOf(jwe) !== digest)
      return {
        code: SealedCode.Digest,
        message: `group ${g}: the ciphertext does not hash to its digest ${digest.slice(0, 12)}…`,
      };
    const aad = Buffer.from(sealedAad(body.network, body.org, groupRoots(events, g))).toString('base64url');
    if (jwe.aad !== aad) return malformed(`group ${g}: the ciphertext is bound to another transaction (aad)`);
    for (const kid of kids) {
      const key = keys.get(kid);
      if (!key)
        return { code: SealedCode.UnknownKey, message: `group ${g}: no member has encryption key ${kid}` };
      if (key.from > height)
        return {
          code: SealedCode.StaleKey,
          message: `group ${g}: key ${kid} is active from height ${key.from}`,
        };
      if (key.until !== undefined && key.until <= height)
        return {
          code: SealedCode.StaleKey,
          message: `group ${g}: key ${kid} is retired from height ${key.until}`,
        };
    }
  }
  return undefined;
}

function groupProblem(group: unknown, g: number, used: boolean): SealedProblem | undefined {
  if (!isRecord(group)) return malformed(`group ${g} is not an object`);
  const { kids, digest, jwe } = group;
  if (!used) return malformed(`group ${g} is sealed for no event`);
  if (!Array.isArray(kids) || kids.length === 0 || !kids.every((k) => typeof k === 'string'))
    return malformed(`group ${g} names no recipient kids`);
  if (kids.some((k, i) => i > 0 && (kids[i - 1] as string) >= k))
    return malformed(`group ${g}: kids are not sorted and unique`);
  if (!isHex(digest, 32)) return malformed(`group ${g} has no digest`);
  const problem = jweProblem(jwe, kids as string[]);
  return problem ? malformed(`group ${g}: ${problem}`) : undefined;
}

/** The members a group is sealed to. */
export function groupOrgs(group: SealedGroup, keys: KeyRing): Set<string> {
  const out = new Set<string>();
  for (const kid of group.kids) {
    const org = keys.get(kid)?.org;
    if (org) out.add(org);
  }
  return out;
}

/** SEALED_RECIPIENTS when `required` names a member the event's group is not sealed to. */
export function recipientsProblem(
  body: CaptureTxBody,
  event: Record<string, unknown>,
  required: readonly string[],
  keys: KeyRing,
): SealedProblem | undefined {
  const ref = event[SEALED_KEY] as { group: number };
  const group = body.sealed?.[ref.group];
  if (!group) return undefined;
  const sealedTo = groupOrgs(group, keys);
  const missing = required.filter((org) => !sealedTo.has(org));
  if (missing.length === 0) return undefined;
  return {
    code: SealedCode.Recipients,
    message: `the event is not sealed to ${missing.join(', ')}, which must receive it; capture it again`,
  };
}

/**
 * SEALED_STALE_VIEW when the members the capture's public views resolve parties and sites against
 * (those of its `viewHeight`, genesis's when absent) are not, in that respect, the members at
 * `height`: the capturer built the views before a member change came into force, so they may show
 * a new member's party as a non-member or a removed one's as a member, and the rules and the
 * recipients would judge another event than the one captured. Deterministic: it reads only the
 * member book up to `height`. The client captures again.
 */
export function staleViewProblem(
  body: CaptureTxBody,
  tiers: TierBook,
  height: number,
): SealedProblem | undefined {
  const at = body.viewHeight ?? 0;
  if (!Number.isSafeInteger(at) || at < 0 || at > height)
    return malformed(`viewHeight ${String(at)} is not a height up to the block's, ${height}`);
  if (tiers.at(at).membersKey === tiers.at(height).membersKey) return undefined;
  return {
    code: SealedCode.StaleView,
    message: `the public views resolve parties and sites against the members of height ${at}, which differ at height ${height}; capture again`,
  };
}
