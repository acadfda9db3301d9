import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import Fastify from 'fastify';
import { consoleDir, consoleRoutes } from '../../services/api/routes/console.js';
import { launch } from '../console/browser.js';

/** A synthetic trace of `size` objects over 11 depths, one transformation event per 3 objects. */
function syntheticTrace(size: number) {
  const id = (i: number) => `https://id.gs1.org/01/00614141073467/21/S${i}`;
  const depthOf = (i: number) => (i % 11) - 5;
  const nodes = Array.from({ length: size }, (_, i) => ({
    id: id(i),
    kind: 'object',
    depth: i === 0 ? 0 : depthOf(i),
    owner: 'a',
    custodian: 'b',
    status: 'active',
    flags: i % 50 === 0 ? ['recalled'] : [],
  }));
  const byDepth = new Map<number, number[]>();
  for (const [i, n] of nodes.entries()) byDepth.set(n.depth, [...(byDepth.get(n.depth) ?? []), i]);
  const edges = [];
  for (let i = 0; i < size; i++) {
    const d = nodes[i]?.depth ?? 0;
    const prev = byDepth.get(d - 1);
    if (!prev) continue;
    const from = prev[i % prev.length] as number;
    edges.push({
      from: id(from),
      to: id(i),
      eventID: `urn:uuid:e-${Math.floor(i / 3)}`,
      eventType: 'TransformationEvent',
      eventTime: '2026-06-01T06:00:00.000Z',
      org: 'a',
      bizStep: 'commissioning',
    });
  }
  return { id: id(0), direction: 'both', nodes, edges, custody: [], truncated: false };
}

/**
 * The console's numbers: initial JavaScript (gzipped) of the built app, and how long a 1,000-node
 * lineage takes from navigation to a focusable graph in headless chromium (API answers are fixtures).
 */
export async function consoleBenchmarks(
  runs = 5,
): Promise<{ initialJsGzipKb: number; lineage1000Ms: number[] }> {
  const dir = consoleDir();
  if (!dir) throw new Error('dist/console is missing: npm run build');
  const html = readFileSync(join(dir, 'index.html'), 'utf8');
  const initial = [...html.matchAll(/(?:src|href)="\/console\/(assets\/[^"]+\.js)"/g)].map(
    (m) => m[1] as string,
  );
  const initialJsGzipKb =
    initial.reduce((sum, f) => sum + gzipSync(readFileSync(join(dir, f)), { level: 9 }).length, 0) / 1000;
  console.log(`  initial JS ${initial.join(', ')}: ${initialJsGzipKb.toFixed(1)} kB gzipped`);

  const app = Fastify();
  consoleRoutes(app, { root: dir });
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  const browser = await launch();
  const trace = JSON.stringify(syntheticTrace(1000));
  const claims = Buffer.from(
    JSON.stringify({ iss: 'a', sub: 'bench', roles: ['events:read'], exp: 4e9 }),
  ).toString('base64url');
  const times: number[] = [];
  try {
    const page = await browser.context.newPage();
    await page.route('**/genesis', (r) =>
      r.fulfill({ json: { network: 'bench', timestamp: 0, members: [], consensus: {}, rules: [] } }),
    );
    await page.route('**/objects/*/trace?*', (r) =>
      r.fulfill({ contentType: 'application/json', body: trace }),
    );
    await page.goto(`${base}/console/`);
    await page.evaluate(`sessionStorage.setItem('waybill.console.token', 'x.${claims}.y')`);
    await page.reload();
    const target = `${base}/console/#/trace/${encodeURIComponent(syntheticTrace(1).id)}?view=lineage&dir=both&depth=20`;
    for (let i = 0; i < runs; i++) {
      await page.goto(`${base}/console/#/`);
      await page.waitForSelector('header.top');
      const started = Date.now();
      await page.goto(target);
      // Interactive: the graph is drawn and its keyboard entry point can take focus.
      await page.waitForSelector('.flow .gnode-button[tabindex="0"]', { timeout: 60_000 });
      await page.focus('.gnode-button[tabindex="0"]');
      times.push(Date.now() - started);
      const drawn = Number(await page.getAttribute('.flow', 'data-nodes'));
      if (drawn < 1000) throw new Error(`expected at least 1,000 graph nodes, drew ${drawn}`);
    }
  } finally {
    await browser.close();
    await app.close();
  }
  const sorted = [...times].sort((a, b) => a - b);
  console.log(
    `  1,000-node lineage interactive: median ${sorted[Math.floor(sorted.length / 2)]} ms (runs: ${times.join(', ')} ms)`,
  );
  return { initialJsGzipKb, lineage1000Ms: times };
}
