import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { ConsensusParams } from '../../services/config/index.js';
import { freePorts } from './ports.js';
import { waitFor } from './wait.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = join(ROOT, 'dist/services/cli/bin.js');
const run = promisify(execFile);

export const ORG_IDS = [
  'greenfield-farms',
  'valley-packers',
  'swift-logistics',
  'freshmart',
  'north-dairy',
  'blue-harbor',
  'metro-retail',
];

export interface ClusterNode {
  org: string;
  index: number;
  url: string;
  configPath: string;
  dataDir: string;
  /** events:write + events:read token of this org. */
  token: string;
  process?: ChildProcess;
}

/** Runs the built `waybill` CLI and returns stdout. */
export async function waybill(...args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, [BIN, ...args], { cwd: ROOT });
  return stdout;
}

/** A network of real node processes on loopback, each from its own node.json, as operators run it. */
export class Cluster {
  readonly nodes: ClusterNode[];

  private constructor(
    readonly dir: string,
    nodes: ClusterNode[],
  ) {
    this.nodes = nodes;
  }

  static async create(size = 4, consensus: Partial<ConsensusParams> = {}): Promise<Cluster> {
    const dir = mkdtempSync(join(tmpdir(), 'waybill-cluster-'));
    const ports = await freePorts(2 * size);
    const orgs = ORG_IDS.slice(0, size).map((id, i) => ({
      id,
      name: id,
      parties: [`urn:epc:id:pgln:061414${i}.00001`],
      locations: [`urn:epc:id:sgln:061414${i}.00001.0`],
      host: '127.0.0.1',
      apiPort: ports[2 * i],
      p2pPort: ports[2 * i + 1],
    }));
    const yaml = JSON.stringify({ network: 'waybill-test', orgs, consensus }); // JSON is YAML
    writeFileSync(join(dir, 'network.yaml'), yaml);
    await waybill('network', 'init', '--config', join(dir, 'network.yaml'), '--out', join(dir, 'net'));
    const nodes = await Promise.all(
      orgs.map(async (o, index) => {
        const configPath = join(dir, 'net', o.id, 'node.json');
        const token = (
          await waybill(
            'token',
            '--config',
            configPath,
            '--sub',
            'test-erp',
            '--role',
            'events:write,events:read',
          )
        ).trim();
        return {
          org: o.id,
          index,
          url: `http://127.0.0.1:${o.apiPort}`,
          configPath,
          dataDir: join(dir, 'net', o.id, 'data'),
          token,
        };
      }),
    );
    return new Cluster(dir, nodes);
  }

  node(org: string): ClusterNode {
    const n = this.nodes.find((x) => x.org === org);
    if (!n) throw new Error(`no node ${org}`);
    return n;
  }

  start(org: string): void {
    const n = this.node(org);
    const log = createWriteStream(join(this.dir, `${org}.log`), { flags: 'a' });
    const child = spawn(process.execPath, [BIN, 'node', 'start', '--config', n.configPath], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, WAYBILL_LOG_LEVEL: process.env.WAYBILL_LOG_LEVEL ?? 'info' },
    });
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    n.process = child;
  }

  async startAll(): Promise<void> {
    for (const n of this.nodes) this.start(n.org);
    await Promise.all(this.nodes.map((n) => this.waitReady(n.org)));
  }

  async waitReady(org: string, timeoutMs = 30_000): Promise<void> {
    const n = this.node(org);
    await waitFor(`${org} ready`, async () => (await fetch(`${n.url}/readyz`)).ok, timeoutMs);
  }

  /** Stops a node (SIGTERM: graceful; SIGKILL: crash) and waits for its process to end. */
  async stop(org: string, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const child = this.node(org).process;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill(signal);
    await exited;
  }

  async destroy(): Promise<void> {
    await Promise.all(this.nodes.map((n) => this.stop(n.org, 'SIGKILL')));
    if (!process.env.WAYBILL_KEEP_TEST_DIRS) rmSync(this.dir, { recursive: true, force: true });
  }

  async request(org: string, path: string, init: RequestInit = {}, token?: string): Promise<Response> {
    const n = this.node(org);
    const headers = new Headers(init.headers);
    headers.set('authorization', `Bearer ${token ?? n.token}`);
    return fetch(`${n.url}${path}`, { ...init, headers });
  }

  async json<T = Record<string, unknown>>(org: string, path: string): Promise<{ status: number; body: T }> {
    const res = await this.request(org, path);
    return { status: res.status, body: (await res.json()) as T };
  }

  async capture(org: string, document: unknown, headers: Record<string, string> = {}): Promise<Response> {
    return this.request(org, '/capture', {
      method: 'POST',
      headers: { 'content-type': 'application/ld+json', ...headers },
      body: JSON.stringify(document),
    });
  }

  async height(org: string): Promise<number> {
    const res = await fetch(`${this.node(org).url}/status`);
    return ((await res.json()) as { height: number }).height;
  }
}

/**
 * POST with node:http, resolving on the response even when the server answers before it has read
 * the whole body and closes the connection (a 413 does), which makes fetch fail with EPIPE.
 */
export function rawPost(
  url: string,
  headers: Record<string, string>,
  body: string,
): Promise<{ status: number; contentType: string; json: unknown }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          contentType: String(res.headers['content-type']),
          json: JSON.parse(Buffer.concat(chunks).toString('utf8')),
        }),
      );
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE' && err.code !== 'ECONNRESET') reject(err);
    });
    req.end(body);
  });
}
