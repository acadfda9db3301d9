/**
 * Summary of V8 CPU profiles (`npm run bench -- --only load --profile DIR` writes one per node):
 * self time by function and by source area, so the closing note can say where a node's time goes.
 * Run: node dist-bench/test/bench/profile-summary.js DIR [top]
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Where a script lives: our services by folder, dependencies by package, node internals. */
function area(url: string): string {
  if (url === '') return '(native / GC / idle)';
  if (url.startsWith('node:')) return url.split('/')[0] ?? url;
  const dep = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (dep) return dep[1] ?? url;
  const own = /\/services\/([^/]+)\//.exec(url);
  return own ? `services/${own[1]}` : url;
}

export function summarise(dir: string, top = 25): string {
  const byFunction = new Map<string, number>();
  const byArea = new Map<string, number>();
  let total = 0;
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'))) {
    const p = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Profile;
    const nodes = new Map(p.nodes.map((n) => [n.id, n]));
    p.samples.forEach((id, i) => {
      const n = nodes.get(id);
      const dt = p.timeDeltas[i] ?? 0;
      if (!n) return;
      const { functionName, url, lineNumber } = n.callFrame;
      const fn = `${functionName || '(anonymous)'} ${url.replace(/^.*\/(services|node_modules)\//, '$1/')}:${lineNumber + 1}`;
      byFunction.set(fn, (byFunction.get(fn) ?? 0) + dt);
      const a = functionName === '(idle)' ? '(idle)' : area(url);
      byArea.set(a, (byArea.get(a) ?? 0) + dt);
      total += dt;
    });
  }
  const rows = (m: Map<string, number>) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, v]) => `${((100 * v) / total).toFixed(1).padStart(5)}%  ${k}`)
      .join('\n');
  return `self time by area:\n${rows(byArea)}\n\nself time by function:\n${rows(byFunction)}`;
}

if (process.argv[1]?.endsWith('profile-summary.js')) {
  console.log(summarise(process.argv[2] ?? '.', Number(process.argv[3] ?? 25)));
}
