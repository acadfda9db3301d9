import { canonicalText } from './canonical.js';

/**
 * Whether two JSON values have the same canonical (JCS) text. A structural walk decides most
 * cases without writing either text, which costs a tenth of canonicalizing both (sealing and every
 * recipient compare each event this way); when the walk cannot say "equal" (a difference, or
 * anything but plain data: another prototype, a NaN), the texts decide, so the answer is always
 * the texts'. Browser-safe, like canonical.ts.
 */
export function sameCanonical(a: unknown, b: unknown): boolean {
  return sameData(a, b) || canonicalText(a) === canonicalText(b);
}

const plain = (o: object) => {
  const proto = Object.getPrototypeOf(o);
  return proto === Object.prototype || proto === null;
};

/** True only when a and b are equal plain data (key order aside), hence have one JCS text. */
function sameData(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameData(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b) || !plain(a) || !plain(b)) return false;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const k of keys) {
    if (!Object.hasOwn(b, k)) return false;
    if (!sameData((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  }
  return true;
}
