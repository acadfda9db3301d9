import { canonicalText } from '../common/canonical.js';
import { fail, type VerifyContext } from './context.js';
import { type Hash, isHex, toHex } from './hash.js';
import { rootFromPathWith } from './merkle.js';
import { SEALED_KEY } from './public-fields.js';
import { isObject } from './shape.js';
import type { Disclosure } from './types.js';

export type { Disclosure };

const utf8 = new TextEncoder();

// What a sealed event commits to (docs/privacy.md), defined once for the node that seals and the
// offline verifier that checks a disclosure: each sealed field is a leaf
// sha256(JCS([salt, path, value])) of a Merkle tree (merkle.ts's rules) whose root the event's
// public view carries as `wb:sealed.root`, so the signed transaction commits to every sealed field
// without showing any. Salts are 128-bit and secret, so a guessed value cannot be confirmed.

/** What a sealed event's public view carries: the root of its field tree and its ciphertext's group. */
export type SealedRef = { root: string; group: number };

/** What the leaf of one sealed field hashes, as text (hashed as UTF-8): JCS([salt, path, value]). */
export function fieldLeafText(salt: string, path: string, value: unknown): string {
  return canonicalText([salt, path, value]);
}

/** The leaf of one sealed field, hex. */
export function fieldLeafWith(hash: Hash, salt: string, path: string, value: unknown): string {
  return toHex(hash(utf8.encode(fieldLeafText(salt, path, value))));
}

/** The commitment of a public view, or undefined when it has none (an open network's event). */
export function sealedRefOf(view: Record<string, unknown>): SealedRef | undefined {
  const ref = view[SEALED_KEY];
  if (!isObject(ref) || !isHex(ref.root, 32) || !Number.isSafeInteger(ref.group)) return undefined;
  return { root: ref.root as string, group: ref.group as number };
}

/** A field path's segments (`~1` is `/`, `~0` is `~`, as in JSON Pointer). */
export function pathSegments(path: string): string[] {
  return path.split('/').map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'));
}

export function escapeSegment(segment: string): string {
  return segment.replaceAll('~', '~0').replaceAll('/', '~1');
}

function disclosureProblem(d: unknown): string | undefined {
  if (!isObject(d)) return 'is not an object';
  if (typeof d.path !== 'string' || d.path.length === 0) return 'has no path';
  if (!isHex(d.salt, 16)) return 'has no 16-byte hex salt';
  if (!Object.hasOwn(d, 'value')) return 'has no value';
  if (!Number.isSafeInteger(d.index) || !Number.isSafeInteger(d.count)) return 'has no index or count';
  if (!Array.isArray(d.merklePath) || !d.merklePath.every((s) => isHex(s, 32))) return 'has no merklePath';
  return undefined;
}

/**
 * Check `disclosure`: every disclosed field's leaf leads, at its index, to the root the proven
 * public view commits to, and no path is disclosed twice. Returns the disclosed values by path.
 */
export function verifyDisclosures(
  hash: Hash,
  event: Record<string, unknown>,
  disclosures: unknown,
  ctx: Pick<VerifyContext, 'pass'>,
): Array<{ path: string; value: unknown }> {
  if (!Array.isArray(disclosures)) fail('disclosure', 'disclosures is not a list');
  const ref = sealedRefOf(event);
  if (!ref) fail('disclosure', `the event has no ${SEALED_KEY} commitment to disclose fields of`);
  const seen = new Set<string>();
  const out: Array<{ path: string; value: unknown }> = [];
  disclosures.forEach((d: unknown, i) => {
    const problem = disclosureProblem(d);
    if (problem) fail('disclosure', `disclosure ${i} ${problem}`);
    const { path, salt, value, index, count, merklePath } = d as Disclosure;
    if (seen.has(path)) fail('disclosure', `the path ${path} is disclosed twice`);
    seen.add(path);
    const leaf = fieldLeafWith(hash, salt, path, value);
    if (rootFromPathWith(hash, leaf, index, count, merklePath) !== ref.root) {
      fail(
        'disclosure',
        `${path}: its value, salt, path or index does not lead to the event's sealed root ${ref.root.slice(0, 12)}…`,
      );
    }
    out.push({ path, value });
    ctx.pass('disclosure', `${path} = ${JSON.stringify(value)} is committed under the event's sealed root`);
  });
  return out;
}
