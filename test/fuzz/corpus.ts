import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../support/root.js';

/**
 * GS1's own example events (../shared/epcis/valid, beside the repository as in CI), as seeds the
 * fuzzer mutates: real EPCIS reaches the deep validation paths a schema outline never does. Absent
 * examples only make the fuzzer rely on its own events.
 */
export function exampleEvents(): unknown[] {
  const dir = join(packageRoot(), '../shared/epcis/valid');
  if (!existsSync(dir)) return [];
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.jsonld?$/.test(f))
    .sort();
  return files.flatMap((f) => {
    try {
      const doc = JSON.parse(readFileSync(join(dir, f), 'utf8')) as { epcisBody?: { eventList?: unknown[] } };
      return doc.epcisBody?.eventList ?? [];
    } catch {
      return [];
    }
  });
}
