import { SEALED_KEY } from '../verify/index.js';
import { isRecord, sameValue } from './tiers.js';

/**
 * What the ciphertext carries of one event (docs/privacy.md): only what its public view does not
 * show as captured, never the view again, so a node that is no recipient keeps little more than the
 * view. A field the view lacks travels whole; a list or object the view shows in part travels as
 * the elements (by index) or members (by key) it does not show as captured. The recipient puts the
 * event back together from the committed view and this part (mergeSealed), then checks it against
 * the view and the root, as before.
 */
export interface SealedPart {
  /** Fields the public view lacks, as captured. */
  whole?: Record<string, unknown>;
  /** Lists and objects the view shows in part: what differs, by index or key. */
  parts?: Record<string, Record<string, unknown>>;
}

/** Sets an own property, "__proto__" included (a JSON key like any other, never the prototype). */
function put(target: Record<string, unknown>, key: string, value: unknown): void {
  // defineProperty only where assignment would not do (it costs several times more, per field).
  if (key === '__proto__')
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

const own = (o: Record<string, unknown>, k: string): unknown => (Object.hasOwn(o, k) ? o[k] : undefined);

/** The part of `event` that `view` (its public view) does not show as captured. */
export function sealedPartOf(event: Record<string, unknown>, view: Record<string, unknown>): SealedPart {
  const whole: Record<string, unknown> = {};
  const parts: Record<string, Record<string, unknown>> = {};
  for (const [field, value] of Object.entries(event)) {
    if (field === SEALED_KEY) continue;
    const shown = own(view, field);
    if (sameValue(value, shown)) continue;
    const part = partOf(value, shown);
    put(part ? parts : whole, field, part ?? value);
  }
  const out: SealedPart = {};
  if (Object.keys(whole).length > 0) out.whole = whole;
  if (Object.keys(parts).length > 0) out.parts = parts;
  return out;
}

/**
 * The elements or members of `value` that `shown` (the same field in the view) does not show as
 * they are; undefined when the view's field is not a list or object of the same shape, so the
 * field travels whole.
 */
function partOf(value: unknown, shown: unknown): Record<string, unknown> | undefined {
  const part: Record<string, unknown> = {};
  if (Array.isArray(value)) {
    if (!Array.isArray(shown) || shown.length !== value.length) return undefined;
    value.forEach((v, i) => {
      if (!sameValue(v, shown[i])) put(part, String(i), v);
    });
    return part;
  }
  if (!isRecord(value) || !isRecord(shown)) return undefined;
  if (Object.keys(shown).some((k) => !(k in value))) return undefined;
  for (const [k, v] of Object.entries(value)) if (!sameValue(v, own(shown, k))) put(part, k, v);
  return part;
}

/** The event as captured, from its committed public view (with or without `wb:sealed`) and its part. */
export function mergeSealed(view: Record<string, unknown>, part: SealedPart): Record<string, unknown> {
  const event: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(view)) if (field !== SEALED_KEY) put(event, field, value);
  for (const [field, members] of Object.entries(part.parts ?? {})) {
    const shown = own(event, field);
    if (Array.isArray(shown)) {
      const list = [...shown];
      for (const [i, v] of Object.entries(members)) {
        const at = Number(i);
        // Only elements the view has: a capturer cannot make a recipient build a huge sparse list.
        if (!Number.isInteger(at) || at < 0 || at >= list.length)
          throw new Error(`no element ${i} in ${field}`);
        list[at] = v;
      }
      put(event, field, list);
    } else if (isRecord(shown)) {
      const record = { ...shown };
      for (const [k, v] of Object.entries(members)) put(record, k, v);
      put(event, field, record);
    } else {
      throw new Error(`sealed part of ${field} does not fit its public view`);
    }
  }
  for (const [field, value] of Object.entries(part.whole ?? {})) put(event, field, value);
  return event;
}
