/**
 * How deeply JSON values may nest before code that walks them recursively (Ajv, canonical
 * encoding, event hashing) is refused the work: far beyond any real EPCIS document (about 10
 * levels) and far below a stack overflow, whose depth would differ from machine to machine.
 */
export const MAX_JSON_DEPTH = 64;

/**
 * The JSON pointer of the first object or array nested deeper than `max` levels (the top-level
 * value is level 1), or undefined. Recursion is safe here: it never descends past `max`.
 */
export function tooDeep(value: unknown, max = MAX_JSON_DEPTH): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const path = walk(value, max, 1);
  if (path === undefined) return undefined;
  return path.length === 0 ? '/' : `/${path.reverse().map(escapePointer).join('/')}`;
}

/** The keys down to the first too-deep value, innermost first; built only on the way out of a find. */
function walk(value: object, max: number, depth: number): string[] | undefined {
  if (depth > max) return [];
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = child(value[i], max, depth);
      if (found) return found.concat(String(i));
    }
    return undefined;
  }
  for (const key in value) {
    const found = child((value as Record<string, unknown>)[key], max, depth);
    if (found) return found.concat(key);
  }
  return undefined;
}

function child(value: unknown, max: number, depth: number): string[] | undefined {
  return typeof value === 'object' && value !== null ? walk(value, max, depth + 1) : undefined;
}

function escapePointer(key: string): string {
  return key.replaceAll('~', '~0').replaceAll('/', '~1');
}

/** The field error for a value `tooDeep` found, as validation reports it. */
export function tooDeepError(pointer: string, max = MAX_JSON_DEPTH): { field: string; message: string } {
  return { field: pointer, message: `nests deeper than ${max} levels` };
}
