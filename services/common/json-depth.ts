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
  return walk(value, max, 1, '');
}

function walk(value: unknown, max: number, depth: number, pointer: string): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  if (depth > max) return pointer || '/';
  for (const key of Object.keys(value)) {
    const child = (value as Record<string, unknown>)[key];
    if (typeof child !== 'object' || child === null) continue;
    const found = walk(
      child,
      max,
      depth + 1,
      `${pointer}/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`,
    );
    if (found !== undefined) return found;
  }
  return undefined;
}

/** The field error for a value `tooDeep` found, as validation reports it. */
export function tooDeepError(pointer: string, max = MAX_JSON_DEPTH): { field: string; message: string } {
  return { field: pointer, message: `nests deeper than ${max} levels` };
}
