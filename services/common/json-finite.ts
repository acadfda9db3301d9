/**
 * The JSON pointer of the first number in `value` that is not finite, or undefined. JSON has no
 * Infinity, but JSON.parse reads a literal beyond the double range (`1e309`) as one, and canonical
 * encoding (RFC 8785), which hashing and signing use, cannot write it: such a body is refused at
 * the door instead of failing deep inside. Recursion is bounded: callers check nesting first
 * (json-depth.ts).
 */
export function nonFinite(value: unknown): string | undefined {
  const path = walk(value);
  return path === undefined ? undefined : `/${path.reverse().map(escapePointer).join('/')}`;
}

function walk(value: unknown): string[] | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : [];
  if (typeof value !== 'object' || value === null) return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = walk(value[i]);
      if (found) return found.concat(String(i));
    }
    return undefined;
  }
  for (const key in value) {
    const found = walk((value as Record<string, unknown>)[key]);
    if (found) return found.concat(key);
  }
  return undefined;
}

function escapePointer(key: string): string {
  return key.replaceAll('~', '~0').replaceAll('/', '~1');
}
