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

const SAME = 1;
const DIFFERENT = 0;
const UNKNOWN = -1;
type Verdict = typeof SAME | typeof DIFFERENT | typeof UNKNOWN;

/**
 * Whether JSON.stringify writes a and b alike (key order counts), without writing either: a walk
 * that decides plain data (what JSON.parse makes, and objects built from it) and leaves the rest
 * (undefined members, NaN, toJSON, class instances, boxed values) to the texts themselves. Sealing
 * and every recipient compare each field of each event this way (privacy/tiers.ts sameValue).
 */
export function sameJsonText(a: unknown, b: unknown): boolean {
  const verdict = walkText(a, b);
  return verdict === UNKNOWN ? JSON.stringify(a) === JSON.stringify(b) : verdict === SAME;
}

type Kind = 'scalar' | 'array' | 'object' | 'other';

/** Scalars and plain containers are written by JSON.stringify as what they are; 'other' is anything else. */
function kindOf(value: unknown): Kind {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return 'scalar';
    case 'number':
      return Number.isFinite(value) ? 'scalar' : 'other';
    case 'object': {
      if (value === null) return 'scalar';
      const proto = Object.getPrototypeOf(value);
      if (Array.isArray(value)) return proto === Array.prototype ? 'array' : 'other';
      if (proto !== Object.prototype && proto !== null) return 'other';
      return typeof (value as { toJSON?: unknown }).toJSON === 'function' ? 'other' : 'object';
    }
    default:
      return 'other';
  }
}

/**
 * Decides when both sides are scalars and plain containers of them: their texts are equal exactly
 * when they are (0 and -0 are both "0", and === says so). Anything else in either, even past a
 * difference, leaves it UNKNOWN: an undefined member is left out of an object's text, so keys that
 * differ need not mean texts that differ.
 */
function walkText(a: unknown, b: unknown): Verdict {
  const ka = kindOf(a);
  const kb = kindOf(b);
  if (ka === 'other' || kb === 'other') return UNKNOWN;
  if (ka === 'scalar' || kb === 'scalar') {
    if (ka !== kb) return anyOther(ka === 'scalar' ? b : a) ? UNKNOWN : DIFFERENT;
    return a === b ? SAME : DIFFERENT;
  }
  if (a === b) return SAME;
  let verdict: Verdict = ka === kb ? SAME : DIFFERENT;
  if (ka === 'array' && kb === 'array') {
    const x = a as unknown[];
    const y = b as unknown[];
    if (x.length !== y.length) verdict = DIFFERENT;
    for (let i = 0; i < x.length || i < y.length; i++) {
      const v =
        i < x.length && i < y.length
          ? walkText(x[i], y[i])
          : anyOther(i < x.length ? x[i] : y[i])
            ? UNKNOWN
            : DIFFERENT;
      if (v === UNKNOWN) return UNKNOWN;
      if (v === DIFFERENT) verdict = DIFFERENT;
    }
    return verdict;
  }
  if (ka === 'object' && kb === 'object') {
    const x = a as Record<string, unknown>;
    const y = b as Record<string, unknown>;
    const kx = Object.keys(x);
    const ky = Object.keys(y);
    if (kx.length !== ky.length) verdict = DIFFERENT;
    for (let i = 0; i < kx.length || i < ky.length; i++) {
      const k = kx[i];
      const l = ky[i];
      let v: Verdict;
      if (k !== undefined && l !== undefined && k === l) v = walkText(x[k], y[l]);
      else
        v = (k !== undefined && anyOther(x[k])) || (l !== undefined && anyOther(y[l])) ? UNKNOWN : DIFFERENT;
      if (v === UNKNOWN) return UNKNOWN;
      if (v === DIFFERENT) verdict = DIFFERENT;
    }
    return verdict;
  }
  // An array and an object: "[" and "{", unless something inside is not plain data.
  return anyOther(a) || anyOther(b) ? UNKNOWN : DIFFERENT;
}

/** Whether anything in `value` is not a scalar or a plain container (kindOf 'other'). */
function anyOther(value: unknown): boolean {
  const kind = kindOf(value);
  if (kind === 'other') return true;
  if (kind === 'array') return (value as unknown[]).some(anyOther);
  if (kind === 'object') {
    const record = value as Record<string, unknown>;
    for (const k of Object.keys(record)) if (anyOther(record[k])) return true;
  }
  return false;
}
