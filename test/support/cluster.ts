import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { NodeStatus } from '../../services/api/types.js';
import { apiUrl, type ConsensusParams } from '../../services/config/index.js';
import type { AuditorGrant } from '../../services/privacy/index.js';
import { type Metrics, parsePrometheus } from './metrics.js';
import { freePorts } from './ports.js';
import { packageRoot } from './root.js';
import { waitFor } from './wait.js';

const ROOT = packageRoot();
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
  'coastal-fisheries',
  'alpine-mills',
  'harbor-foods',
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
  /** Stopped with SIGSTOP (see `pause`). */
  paused?: boolean;
  /** Cut off from the other members with the fault-injection switch (see `isolate`). */
  isolated?: boolean;
}

export type { NodeStatus };

/** Short consensus timeouts for process-level tests, so view changes take a second, not several. */
export const FAST_CONSENSUS: Partial<ConsensusParams> = {
  proposeMs: 600,
  prevoteMs: 300,
  precommitMs: 300,
  deltaMs: 300,
  emptyBlockIntervalMs: 2_000,
};

export interface ClusterOptions {
  /** Extra environment of every node process, e.g. `{ WAYBILL_FAULT_INJECTION: '1' }`. */
  env?: Record<string, string>;
  /** Each node's address, in order (default 127.0.0.1): separate hosts, see test/support/netns.ts. */
  hosts?: string[];
  /** Words before the node's command, e.g. `ip netns exec <namespace>` to run it on its own host. */
  launcher?: (index: number) => string[];
  /** The genesis custody rules' directory (network file `contracts:`); default the shipped rules. */
  contracts?: string;
  /**
   * The network file's `privacy` (docs/privacy.md). `waybill network init` makes sealed networks by
   * default; the harness writes `open` unless a test asks for `sealed`, so tests of other features
   * keep reading every event whole at every node (CBV hash eventIDs included), while the sealed
   * tier has its own process tests (test/integration/sealed.test.ts, the demo).
   */
  privacy?: 'sealed' | 'open';
  /** Auditor grants in genesis (network file `grants:`), e.g. one org that sees every event. */
  grants?: AuditorGrant[];
}

/** A node process that ended without the harness asking it to. */
export interface UnexpectedExit {
  org: string;
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Default bound of one HTTP request to a node: a stopped (SIGSTOP) node never answers. */
const REQUEST_TIMEOUT_MS = 10_000;

/** How much of a dead node's log a failing request quotes. */
const LOG_TAIL_LINES = 30;

/** Runs the built `waybill` CLI and returns stdout. */
export async function waybill(...args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, [BIN, ...args], { cwd: ROOT });
  return stdout;
}

/** A network of real node processes on loopback, each from its own node.json, as operators run it. */
export class Cluster {
  readonly nodes: ClusterNode[];
  /** Node processes that exited (or were killed) without `stop`, `kill` or `destroy`: crashes. */
  readonly unexpectedExits: UnexpectedExit[] = [];
  private readonly expectedExits = new WeakSet<ChildProcess>();

  private constructor(
    readonly dir: string,
    nodes: ClusterNode[],
    private readonly options: ClusterOptions = {},
  ) {
    this.nodes = nodes;
  }

  static async create(
    size = 4,
    consensus: Partial<ConsensusParams> = {},
    options: ClusterOptions = {},
  ): Promise<Cluster> {
    const dir = mkdtempSync(join(tmpdir(), 'waybill-cluster-'));
    const ports = await freePorts(2 * size);
    const orgs = ORG_IDS.slice(0, size).map((id, i) => ({
      id,
      name: id,
      parties: [`urn:epc:id:pgln:061414${i}.00001`],
      locations: [`urn:epc:id:sgln:061414${i}.00001.0`],
      host: options.hosts?.[i] ?? '127.0.0.1',
      apiPort: ports[2 * i],
      p2pPort: ports[2 * i + 1],
    }));
    const contracts = options.contracts;
    const privacy = options.privacy ?? 'open';
    const { grants } = options;
    const yaml = JSON.stringify({ network: 'waybill-test', orgs, consensus, contracts, privacy, grants }); // JSON is YAML
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
          url: apiUrl(o.host, o.apiPort as number),
          configPath,
          dataDir: join(dir, 'net', o.id, 'data'),
          token,
        };
      }),
    );
    return new Cluster(dir, nodes, options);
  }

  /**
   * An organisation joining the running network: `waybill member init` with the next org id of
   * ORG_IDS, on free loopback ports. Returns its member file (to propose) and adds it to `nodes`,
   * not started. Its node starts like any other once the consortium admitted it.
   */
  async addMember(
    role: 'validator' | 'observer' = 'validator',
  ): Promise<{ node: ClusterNode; member: unknown }> {
    const index = this.nodes.length;
    const id = ORG_IDS[index];
    if (!id) throw new Error('no more org ids');
    const [apiPort, p2pPort] = await freePorts(2);
    const org = {
      id,
      name: id,
      parties: [`urn:epc:id:pgln:061414${index}.00001`],
      locations: [`urn:epc:id:sgln:061414${index}.00001.0`],
      host: '127.0.0.1',
      apiPort,
      p2pPort,
      role,
    };
    writeFileSync(join(this.dir, `${id}.yaml`), JSON.stringify(org));
    const net = join(this.dir, 'net');
    await waybill(
      'member',
      'init',
      '--genesis',
      join(net, 'genesis.json'),
      '--config',
      join(this.dir, `${id}.yaml`),
      '--out',
      net,
    );
    const configPath = join(net, id, 'node.json');
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
    const node: ClusterNode = {
      org: id,
      index,
      url: apiUrl('127.0.0.1', apiPort as number),
      configPath,
      dataDir: join(net, id, 'data'),
      token,
    };
    this.nodes.push(node);
    return { node, member: JSON.parse(readFileSync(join(net, id, 'member.json'), 'utf8')) };
  }

  /** An admin token of `org` (governance). */
  async adminToken(org: string): Promise<string> {
    return (
      await waybill('token', '--config', this.node(org).configPath, '--sub', 'admin', '--role', 'admin')
    ).trim();
  }

  node(org: string): ClusterNode {
    const n = this.nodes.find((x) => x.org === org);
    if (!n) throw new Error(`no node ${org}`);
    return n;
  }

  start(org: string): void {
    const n = this.node(org);
    // The node writes its log file itself, not through a pipe this process drains: through a pipe,
    // a node's logging waits on this process whenever it is busy (a test building a large document,
    // a bench posting at full rate), and the harness becomes part of the system it measures. It
    // also spares this process copying every node's log.
    const log = openSync(join(this.dir, `${org}.log`), 'a');
    const [command = process.execPath, ...args] = [
      ...(this.options.launcher?.(n.index) ?? []),
      process.execPath,
      BIN,
      'node',
      'start',
      '--config',
      n.configPath,
    ];
    let child: ChildProcess;
    try {
      child = spawn(command, args, {
        cwd: ROOT,
        stdio: ['ignore', log, log],
        env: {
          ...process.env,
          WAYBILL_LOG_LEVEL: process.env.WAYBILL_LOG_LEVEL ?? 'info',
          ...this.options.env,
        },
      });
    } finally {
      closeSync(log); // the child holds its own descriptor
    }
    child.once('exit', (code, signal) => {
      if (!this.expectedExits.has(child)) this.unexpectedExits.push({ org, code, signal });
    });
    n.process = child;
    n.paused = false;
    n.isolated = false;
  }

  /** Whether the node's process is alive (it may be paused). */
  isRunning(org: string): boolean {
    const child = this.node(org).process;
    return child !== undefined && child.exitCode === null && child.signalCode === null;
  }

  /** Starts every node; on a shared, loaded machine start-up alone can take longer than 30 s. */
  async startAll(timeoutMs = 30_000): Promise<void> {
    for (const n of this.nodes) this.start(n.org);
    await Promise.all(this.nodes.map((n) => this.waitReady(n.org, timeoutMs)));
  }

  async waitReady(org: string, timeoutMs = 30_000): Promise<void> {
    const n = this.node(org);
    await waitFor(
      `${org} ready`,
      async () => (await fetch(`${n.url}/readyz`, { signal: AbortSignal.timeout(2_000) })).ok,
      timeoutMs,
    );
  }

  /** Stops a node (SIGTERM: graceful; SIGKILL: crash) and waits for its process to end. */
  async stop(org: string, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const n = this.node(org);
    const child = n.process;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    this.expectedExits.add(child);
    const exited = new Promise((r) => child.once('exit', r));
    child.kill(signal);
    // A stopped process handles no signal but SIGKILL until it is continued.
    if (n.paused && signal !== 'SIGKILL') child.kill('SIGCONT');
    n.paused = false;
    await exited;
  }

  /** Crashes a node: SIGKILL, no shutdown of any kind. Its data directory stays. */
  async kill(org: string): Promise<void> {
    await this.stop(org, 'SIGKILL');
  }

  /** Graceful restart from the same config and data directory; resolves once it is ready. */
  async restart(org: string, timeoutMs = 30_000): Promise<void> {
    await this.stop(org, 'SIGTERM');
    this.start(org);
    await this.waitReady(org, timeoutMs);
  }

  /** Freezes a node's process (SIGSTOP): it holds its connections but answers nothing. */
  pause(org: string): void {
    this.signal(org, 'SIGSTOP');
    this.node(org).paused = true;
  }

  /** Continues a paused node (SIGCONT). */
  resume(org: string): void {
    this.signal(org, 'SIGCONT');
    this.node(org).paused = false;
  }

  /**
   * Cuts a node off from the other members, or reconnects it (SIGUSR2 toggles the P2P isolation
   * switch). Needs `WAYBILL_FAULT_INJECTION=1` in `ClusterOptions.env`: without it SIGUSR2 stops the node.
   */
  isolate(org: string, on: boolean): void {
    if (this.options.env?.WAYBILL_FAULT_INJECTION !== '1')
      throw new Error('isolation needs the cluster created with env WAYBILL_FAULT_INJECTION=1');
    const n = this.node(org);
    if (Boolean(n.isolated) === on) return;
    this.signal(org, 'SIGUSR2');
    n.isolated = on;
  }

  private signal(org: string, signal: NodeJS.Signals): void {
    const child = this.node(org).process;
    if (!child || !this.isRunning(org)) throw new Error(`${org} is not running`);
    if (!child.kill(signal)) throw new Error(`could not send ${signal} to ${org}`);
  }

  async destroy(): Promise<void> {
    await Promise.all(this.nodes.map((n) => this.stop(n.org, 'SIGKILL')));
    if (process.env.WAYBILL_KEEP_TEST_DIRS) console.log(`cluster files kept in ${this.dir}`);
    if (!process.env.WAYBILL_KEEP_TEST_DIRS) rmSync(this.dir, { recursive: true, force: true });
  }

  async request(org: string, path: string, init: RequestInit = {}, token?: string): Promise<Response> {
    const n = this.node(org);
    const headers = new Headers(init.headers);
    headers.set('authorization', `Bearer ${token ?? n.token}`);
    const signal = init.signal ?? AbortSignal.timeout(REQUEST_TIMEOUT_MS);
    try {
      return await fetch(`${n.url}${path}`, { ...init, headers, signal });
    } catch (err) {
      throw this.explain(org, err);
    }
  }

  /**
   * A request that failed because the node's process has died says so, with how it ended and the
   * end of its log: in CI the cluster's directory is gone by the time anyone reads the failure.
   */
  private explain(org: string, err: unknown): unknown {
    const exit = this.unexpectedExits.find((e) => e.org === org);
    if (!exit) return err;
    let tail = '';
    try {
      tail = readFileSync(join(this.dir, `${org}.log`), 'utf8')
        .split('\n')
        .slice(-LOG_TAIL_LINES)
        .join('\n');
    } catch {
      tail = '(no log file)';
    }
    const how = exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`;
    return new Error(`${org}'s node exited unexpectedly (${how}); the end of its log:\n${tail}`, {
      cause: err,
    });
  }

  /** GET `path` at `org`'s node, with `org`'s token unless another member's `token` is given. */
  async json<T = Record<string, unknown>>(
    org: string,
    path: string,
    token?: string,
  ): Promise<{ status: number; body: T }> {
    const res = await this.request(org, path, {}, token);
    return { status: res.status, body: (await res.json()) as T };
  }

  async capture(
    org: string,
    document: unknown,
    headers: Record<string, string> = {},
    path = '/capture',
  ): Promise<Response> {
    return this.request(org, path, {
      method: 'POST',
      headers: { 'content-type': 'application/ld+json', ...headers },
      body: JSON.stringify(document),
    });
  }

  async height(org: string): Promise<number> {
    return (await this.status(org)).height;
  }

  /** GET /status (no token). */
  async status(org: string): Promise<NodeStatus> {
    const res = await fetch(`${this.node(org).url}/status`, {
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    }).catch((err) => Promise.reject(this.explain(org, err)));
    if (!res.ok) throw new Error(`GET /status on ${org}: ${res.status}`);
    return (await res.json()) as NodeStatus;
  }

  /**
   * GET /metrics (Prometheus text, no token), parsed; undefined when the node does not serve it.
   * Counters start again from zero when a node restarts: scrape before stopping it.
   */
  async metrics(org: string): Promise<Metrics | undefined> {
    const res = await fetch(`${this.node(org).url}/metrics`, {
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    }).catch((err) => Promise.reject(this.explain(org, err)));
    if (res.status === 404) return undefined;
    if (!res.ok) throw new Error(`GET /metrics on ${org}: ${res.status}`);
    return parsePrometheus(await res.text());
  }
}
