import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import Fastify from 'fastify';
import type { CDPSession } from 'playwright-core';
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
 * CPU time the page's main thread spent while `run` ran (the sum of its tasks' thread time in a
 * Chrome trace). Unlike the wall-clock time it hardly grows when other processes load the machine.
 */
async function mainThreadCpuMs(
  cdp: CDPSession,
  run: () => Promise<void>,
): Promise<{ ms: number; byKind: Map<string, number> }> {
  const events: Array<{ name: string; ph: string; tid: number; tdur?: number; args?: { name?: string } }> =
    [];
  // Trace events as Chrome writes them (the protocol types them as plain objects).
  const collect = (e: { value: object[] }) => {
    events.push(...(e.value as typeof events));
  };
  cdp.on('Tracing.dataCollected', collect);
  await cdp.send('Tracing.start', {
    // RunTask events with their thread time (tdur) are in the disabled-by-default timeline category.
    categories: 'devtools.timeline,disabled-by-default-devtools.timeline,__metadata',
    transferMode: 'ReportEvents',
  });
  await run();
  const complete = new Promise<void>((resolve) => cdp.once('Tracing.tracingComplete', () => resolve()));
  await cdp.send('Tracing.end');
  await complete;
  cdp.off('Tracing.dataCollected', collect);
  // Chrome runs a renderer per site (and spares); the page's is the one that worked: the busiest
  // renderer main thread.
  const mains = new Set(
    events.filter((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => e.tid),
  );
  const byThread = new Map<number, number>();
  for (const e of events)
    if (mains.has(e.tid) && e.ph === 'X' && e.name === 'RunTask')
      byThread.set(e.tid, (byThread.get(e.tid) ?? 0) + (e.tdur ?? 0));
  const busiest = [...byThread].sort((a, b) => b[1] - a[1])[0];
  // Where that thread's time went, by the kind of work Chrome names (script, style, layout, paint);
  // the kinds nest (a script's GC, a layout forced by a script), so they add up to more than the total.
  const byKind = new Map<string, number>();
  for (const e of events)
    if (busiest && e.tid === busiest[0] && e.ph === 'X' && e.name !== 'RunTask' && KINDS.has(e.name))
      byKind.set(e.name, (byKind.get(e.name) ?? 0) + (e.tdur ?? 0) / 1000);
  return { ms: (busiest?.[1] ?? 0) / 1000, byKind };
}

const KINDS = new Set([
  'EvaluateScript',
  'v8.compile',
  'v8.compileModule',
  'FunctionCall',
  'TimerFire',
  'EventDispatch',
  'FireAnimationFrame',
  'ParseHTML',
  'UpdateLayoutTree',
  'Layout',
  'PrePaint',
  'Paint',
  'Layerize',
  'UpdateLayer',
  'MinorGC',
  'MajorGC',
]);

/**
 * The console's numbers: initial JavaScript (gzipped) of the built app, and how long a 1,000-node
 * lineage takes from navigation to a focusable graph in headless chromium (API answers are
 * fixtures), as wall-clock time and as the CPU time of the page's main thread.
 */
export async function consoleBenchmarks(
  runs = 5,
): Promise<{ initialJsGzipKb: number; lineage1000Ms: number[]; lineage1000CpuMs: number[] }> {
  const dir = consoleDir();
  if (!dir) throw new Error('dist/console is missing: npm run build');
  const html = readFileSync(join(dir, 'index.html'), 'utf8');
  const initial = [...html.matchAll(/(?:src|href)="\/console\/(assets\/[^"]+\.js)"/g)].map(
    (m) => m[1] as string,
  );
  const initialJsGzipKb =
    initial.reduce((sum, f) => sum + gzipSync(readFileSync(join(dir, f)), { level: 9 }).length, 0) / 1000;
  console.log(`  initial JS ${initial.join(', ')}: ${initialJsGzipKb.toFixed(1)} kB gzipped`);

  const trace = JSON.stringify(syntheticTrace(1000));
  const app = Fastify();
  consoleRoutes(app, { root: dir });
  // The API's answers are fixtures served by the same server, as a node serves them (a browser-side
  // route fixture would add the test driver's round trip to every answer).
  app.get('/genesis', async () => ({
    network: 'bench',
    timestamp: 0,
    members: [],
    consensus: {},
    rules: [],
  }));
  app.get('/objects/:id/trace', async (_request, reply) => reply.type('application/json').send(trace));
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  const browser = await launch();
  const claims = Buffer.from(
    JSON.stringify({ iss: 'a', sub: 'bench', roles: ['events:read'], exp: 4e9 }),
  ).toString('base64url');
  const times: number[] = [];
  const cpu: number[] = [];
  const kinds = new Map<string, number[]>();
  try {
    const page = await browser.context.newPage();
    const cdp = await browser.context.newCDPSession(page);
    await page.goto(`${base}/console/`);
    await page.evaluate(`sessionStorage.setItem('waybill.console.token', 'x.${claims}.y')`);
    await page.reload();
    const target = `${base}/console/#/trace/${encodeURIComponent(syntheticTrace(1).id)}?view=lineage&dir=both&depth=20`;
    for (let i = 0; i < runs; i++) {
      await page.goto(`${base}/console/#/`);
      await page.waitForSelector('header.top');
      const started = Date.now();
      const { ms: cpuMs, byKind } = await mainThreadCpuMs(cdp, async () => {
        await page.goto(target);
        // Interactive: the graph is drawn and its keyboard entry point can take focus.
        await page.waitForSelector('.flow .gnode-button[tabindex="0"]', { timeout: 60_000 });
        await page.focus('.gnode-button[tabindex="0"]');
        times.push(Date.now() - started);
      });
      cpu.push(Math.round(cpuMs));
      for (const [k, v] of byKind) kinds.set(k, [...(kinds.get(k) ?? []), v]);
      const drawn = Number(await page.getAttribute('.flow', 'data-nodes'));
      if (drawn < 1000) throw new Error(`expected at least 1,000 graph nodes, drew ${drawn}`);
    }
  } finally {
    await browser.close();
    await app.close();
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log(
    `  1,000-node lineage interactive: median ${median(times)} ms (runs: ${times.join(', ')} ms); ` +
      `main-thread CPU median ${median(cpu)} ms (runs: ${cpu.join(', ')} ms); ` +
      'the first run also loads the graph chunk',
  );
  const kindMedians = [...kinds]
    .map(([k, xs]) => [k, median(xs) ?? 0] as const)
    .filter(([, ms]) => ms >= 1)
    .sort((a, b) => b[1] - a[1]);
  console.log(
    `  main-thread time by kind (medians, nested): ${kindMedians.map(([k, ms]) => `${k} ${Math.round(ms)} ms`).join(', ')}`,
  );
  return { initialJsGzipKb, lineage1000Ms: times, lineage1000CpuMs: cpu };
}
