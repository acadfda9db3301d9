import { Agent, request } from 'node:http';
import fc from 'fast-check';
import { rssMB } from '../support/rss.js';
import { exampleEvents } from './corpus.js';
import { type Answer, type Category, type Finding, judge } from './oracle.js';
import { type FuzzRequest, requests } from './requests.js';
import { operations } from './spec.js';
import type { Target } from './target.js';

export interface FuzzOptions {
  seed: number;
  requests: number;
  /** The index of the first request (to replay one: `from` = its index, `requests` = 1). */
  from?: number;
  /** Requests in flight at once. */
  concurrency?: number;
  /** Called every `progressEvery` requests. */
  onProgress?: (done: number, stats: FuzzStats) => void;
  progressEvery?: number;
}

export interface FailedRequest extends Finding {
  index: number;
  request: FuzzRequest;
  status?: number;
}

export interface FuzzStats {
  seed: number;
  requests: number;
  seconds: number;
  statuses: Record<string, number>;
  byOperation: Record<string, number>;
  counts: Record<Category, number>;
  /** The first failures of each category, in full. */
  failures: FailedRequest[];
  healthChecks: number;
  unhealthy: string[];
  /** Requests reset once and sent again (see `send`). */
  resetsRetried: number;
  rssBeforeMB: number;
  rssAfterMB: number;
}

/** How long one request may take: POST /events waits a few seconds for its block; more is a stall. */
const REQUEST_TIMEOUT_MS = 20_000;
const HEALTH_EVERY = 250;
const KEEP_PER_CATEGORY = 20;

/**
 * The seed of request `index` of run `seed`: every request can be generated alone, so a failure
 * replays with `--seed S --from I --requests 1`, whatever ran before it.
 */
export function requestSeed(seed: number, index: number): number {
  let h = (seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) | 0;
}

/** The request generator over the target's api/openapi.yaml and known ids; `generate(i)` is request i. */
export function generator(target: Pick<Target, 'known'>, seed: number): (index: number) => FuzzRequest {
  const arb = requests(operations(), target.known, exampleEvents());
  return (index) => fc.sample(arb, { seed: requestSeed(seed, index), numRuns: 1 })[0] as FuzzRequest;
}

export async function fuzz(target: Target, opts: FuzzOptions): Promise<FuzzStats> {
  const generate = generator(target, opts.seed);
  const agent = new Agent({ keepAlive: true, maxSockets: opts.concurrency ?? 8 });
  const stats: FuzzStats = {
    seed: opts.seed,
    requests: 0,
    seconds: 0,
    statuses: {},
    byOperation: {},
    counts: { '5xx': 0, 'non-problem': 0, contract: 0, 'undeclared-status': 0, 'no-answer': 0 },
    failures: [],
    healthChecks: 0,
    unhealthy: [],
    resetsRetried: 0,
    rssBeforeMB: rssMB(target.pid),
    rssAfterMB: 0,
  };
  const retried = { count: 0 };
  const started = performance.now();
  const from = opts.from ?? 0;
  const end = from + opts.requests;
  let next = from;
  const worker = async () => {
    for (let i = next++; i < end; i = next++) {
      const req = generate(i);
      const ans = await send(target, req, agent, retried);
      // Counted before any await: other workers move stats.requests on while this one waits.
      const done = ++stats.requests;
      const key = ans.unsendable ? 'unsendable' : ans.status === undefined ? 'none' : String(ans.status);
      stats.statuses[key] = (stats.statuses[key] ?? 0) + 1;
      stats.byOperation[req.operation] = (stats.byOperation[req.operation] ?? 0) + 1;
      const finding = judge(req, ans);
      if (finding) {
        stats.counts[finding.category]++;
        if (stats.failures.filter((f) => f.category === finding.category).length < KEEP_PER_CATEGORY)
          stats.failures.push({
            ...finding,
            index: i,
            request: req,
            ...(ans.status ? { status: ans.status } : {}),
          });
      }
      if (opts.onProgress && done % (opts.progressEvery ?? 1000) === 0) opts.onProgress(done, stats);
      if (done % HEALTH_EVERY === 0) await checkHealth(target, stats);
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency ?? 8 }, worker));
  await checkHealth(target, stats);
  agent.destroy();
  stats.seconds = (performance.now() - started) / 1000;
  stats.resetsRetried = retried.count;
  stats.rssAfterMB = rssMB(target.pid);
  stats.failures.sort((a, b) => a.index - b.index);
  return stats;
}

async function checkHealth(target: Target, stats: FuzzStats): Promise<void> {
  stats.healthChecks++;
  try {
    const res = await fetch(`${target.url}/healthz`, { signal: AbortSignal.timeout(5_000) });
    if (res.status !== 200) stats.unhealthy.push(`after ${stats.requests} requests: ${res.status}`);
    await res.arrayBuffer();
  } catch (err) {
    stats.unhealthy.push(`after ${stats.requests} requests: ${(err as Error).message}`);
  }
}

/**
 * Sends one request with node:http, the path exactly as generated. A reset is retried once on a
 * new connection (and counted in `retried`): a kept-alive connection the node closes as the next
 * request goes out resets (Node's documentation advises the retry), and on a loaded machine a few
 * fresh loopback connections reset too. A node that resets a request twice has a finding.
 */
export async function send(
  target: Pick<Target, 'url' | 'authorization'>,
  req: FuzzRequest,
  agent?: Agent,
  retried?: { count: number },
): Promise<Answer> {
  const first = await sendOnce(target, req, agent);
  if (first.error !== 'ECONNRESET') return first;
  if (retried) retried.count++;
  return sendOnce(target, req, undefined);
}

function sendOnce(
  target: Pick<Target, 'url' | 'authorization'>,
  req: FuzzRequest,
  agent: Agent | undefined,
): Promise<Answer> {
  const { hostname, port } = new URL(target.url);
  const authorization = target.authorization[req.token];
  const headers: Record<string, string> = {
    ...req.headers,
    ...(authorization !== undefined ? { authorization } : {}),
    ...(req.body ? { 'content-length': String(req.body.length) } : {}),
  };
  const started = performance.now();
  return new Promise((resolve) => {
    let done = false;
    let r: ReturnType<typeof request> | undefined;
    const finish = (a: Omit<Answer, 'ms'>) => {
      if (done) return;
      done = true;
      resolve({ ...a, ms: performance.now() - started });
    };
    try {
      r = request(
        {
          hostname,
          port,
          method: req.method,
          path: req.path,
          headers,
          agent: agent ?? false,
          timeout: REQUEST_TIMEOUT_MS,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', (err) =>
            finish({ headers: {}, body: Buffer.alloc(0), error: `response: ${err.message}` }),
          );
          res.on('end', () =>
            finish({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
          );
        },
      );
    } catch (err) {
      // node:http refuses to send it (an invalid path or header): not a request the node can see.
      finish({ headers: {}, body: Buffer.alloc(0), unsendable: (err as Error).message });
      return;
    }
    const sent = r;
    sent.on('timeout', () => sent.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms`)));
    sent.on('error', (err) =>
      finish({
        headers: {},
        body: Buffer.alloc(0),
        error: (err as NodeJS.ErrnoException).code ?? err.message,
      }),
    );
    if (req.body) sent.write(req.body);
    sent.end();
  });
}

/** One failure as a reader needs it: what was sent, what came back, how to replay it. */
export function describeFailure(f: FailedRequest, seed: number): string {
  const r = f.request;
  const body = r.body ? ` body(${r.body.length} B): ${r.body.subarray(0, 300).toString('utf8')}` : '';
  return [
    `[${f.category}] #${f.index} ${r.method} ${r.path.slice(0, 400)} (${r.operation}; token ${r.token}; ${r.notes.join(', ')})`,
    `  headers: ${JSON.stringify(r.headers).slice(0, 300)}${body}`,
    `  got: ${f.message}`,
    `  replay: npm run fuzz -- --seed ${seed} --from ${f.index} --requests 1`,
  ].join('\n');
}

export function summary(s: FuzzStats): string {
  const statuses = Object.entries(s.statuses)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}: ${v}`)
    .join(', ');
  return [
    `seed ${s.seed}: ${s.requests} requests in ${s.seconds.toFixed(1)} s (${(s.requests / s.seconds).toFixed(0)}/s)`,
    `statuses: ${statuses}`,
    `5xx: ${s.counts['5xx']}, non-problem 4xx: ${s.counts['non-problem']}, contract: ${s.counts.contract}, ` +
      `undeclared status: ${s.counts['undeclared-status']}, no answer: ${s.counts['no-answer']} ` +
      `(${s.resetsRetried} resets retried)`,
    `health checks: ${s.healthChecks}, failed: ${s.unhealthy.length}; node RSS ${s.rssBeforeMB} MB before, ${s.rssAfterMB} MB after`,
  ].join('\n');
}
