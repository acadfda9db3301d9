import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../support/root.js';

/** Small files named for what they hold (docs/architecture.md): the simulator is the one exception. */
const MAX_LINES = 400;
const EXEMPT = new Set(['services/consensus/sim/simulator.ts']);

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sources(path);
    return e.name.endsWith('.ts') || e.name.endsWith('.tsx') ? [path] : [];
  });
}

describe('services/', () => {
  it(`has no file over ${MAX_LINES} lines but the simulator`, () => {
    const root = packageRoot();
    const long = sources(join(root, 'services'))
      .map((path) => ({
        file: relative(root, path),
        lines: readFileSync(path, 'utf8').split('\n').length - 1,
      }))
      .filter((f) => f.lines > MAX_LINES && !EXEMPT.has(f.file));
    expect(long).toEqual([]);
  });
});
