import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

/** api/openapi.yaml, found from the source tree (tests) or from dist/ (the built CLI). */
function specPath(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++, dir = dirname(dir)) {
    const candidate = join(dir, 'api', 'openapi.yaml');
    if (existsSync(candidate)) return candidate;
  }
  throw new Error('api/openapi.yaml not found beside the package');
}

let cached: Record<string, unknown> | undefined;

/** The single source of truth of the API, parsed once. */
export function openapiDocument(): Record<string, unknown> {
  cached ??= parse(readFileSync(specPath(), 'utf8')) as Record<string, unknown>;
  return cached;
}
