import { spawnSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Process-level tests run the built CLI: build it once so they never run stale code. Type errors
 * do not stop the run (tsc still emits, and `npm run typecheck` reports them), so unit tests of
 * one module are not held up by work in progress in another.
 */
export default function setup(): void {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
  const tsc = resolve(root, 'node_modules/typescript/bin/tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], {
    cwd: root,
    encoding: 'utf8',
  });
  if (result.status !== 0)
    process.stderr.write(`warning: build reported errors:\n${result.stdout}${result.stderr}`);
}
