import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor } from '../support/wait.js';

const IP_FORWARD = '/proc/sys/net/ipv4/ip_forward';
const CONTAINERD_SOCKET = '/run/containerd/containerd.sock';

/** Whether a Docker engine answers the docker CLI here. */
export function engineRunning(): boolean {
  return spawnSync('docker', ['info', '--format', '{{.ServerVersion}}'], { timeout: 20_000 }).status === 0;
}

function installed(command: string): boolean {
  return spawnSync('sh', ['-c', 'command -v "$1"', 'sh', command]).status === 0;
}

/** What a started dockerd changes on the machine, as it was before. */
interface MachineState {
  ipForward: string;
  forwardPolicy: string | undefined;
  dockerChains: boolean;
  docker0: boolean;
}

function iptables(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync('iptables', args, { encoding: 'utf8' });
}

function machineState(): MachineState {
  const filter = iptables('-S').stdout;
  return {
    ipForward: readFileSync(IP_FORWARD, 'utf8').trim(),
    forwardPolicy: /^-P FORWARD (\w+)$/m.exec(filter)?.[1],
    dockerChains: /^-N DOCKER/m.test(filter),
    docker0: spawnSync('ip', ['link', 'show', 'docker0']).status === 0,
  };
}

/** The MTU of the interface the default route leaves by (containers' traffic must fit through it). */
function uplinkMtu(): number | undefined {
  const route = spawnSync('ip', ['-j', 'route', 'show', 'default'], { encoding: 'utf8' });
  const dev = (JSON.parse(route.stdout || '[]') as Array<{ dev?: string }>)[0]?.dev;
  if (!dev) return undefined;
  const link = spawnSync('ip', ['-j', 'link', 'show', 'dev', dev], { encoding: 'utf8' });
  return (JSON.parse(link.stdout || '[]') as Array<{ mtu?: number }>)[0]?.mtu;
}

async function stopProcess(child: ChildProcess, name: string): Promise<string[]> {
  if (child.exitCode !== null || child.signalCode !== null) return [];
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 30_000).unref());
  if ((await Promise.race([exited, timeout])) === 'timeout') {
    child.kill('SIGKILL');
    await exited;
    return [`${name} did not stop within 30 s of SIGTERM; killed`];
  }
  return [];
}

/**
 * The Docker engine the compose test uses: the one that runs, or else Debian's docker.io started
 * here (`containerd`, then `dockerd`) and stopped again by stop(), which also undoes what dockerd
 * did to the machine: it turns on IP forwarding, sets iptables' FORWARD policy to DROP (which cuts
 * every other bridge, test/deploy/netns.test.ts's among them) and adds its chains and docker0.
 * The FORWARD policy is put back as soon as the engine answers, so neighbours lose at most that
 * moment; the netns test's bridge has its own ACCEPT rule besides (test/support/netns.ts).
 */
export class DockerEngine {
  private constructor(
    /** Whether this process started the engine (and so stops it). */
    readonly started: boolean,
    private readonly children: Array<{ name: string; child: ChildProcess }>,
    private readonly before: MachineState | undefined,
  ) {}

  /** Why no engine can be had here, or undefined when one runs or can be started. */
  static unavailable(): string | undefined {
    if (process.platform !== 'linux')
      return `Docker engines are started on Linux only (this is ${process.platform})`;
    if (process.getuid?.() !== 0) return 'starting a Docker engine and building images needs root';
    if (!installed('docker')) return 'the docker CLI is not installed (Debian: docker.io)';
    if (engineRunning()) return undefined;
    for (const command of ['dockerd', 'containerd', 'iptables', 'ip'])
      if (!installed(command))
        return `no Docker engine runs and ${command} is not installed (Debian: docker.io, iptables, iproute2)`;
    return undefined;
  }

  /** The running engine, or one started now with its logs in `logDir`. */
  static async ensure(logDir: string): Promise<DockerEngine> {
    if (engineRunning()) return new DockerEngine(false, [], undefined);
    const before = machineState();
    const children: Array<{ name: string; child: ChildProcess }> = [];
    const engine = new DockerEngine(true, children, before);
    const launch = (name: string, args: string[]) => {
      const log = openSync(join(logDir, `${name}.log`), 'a');
      const child = spawn(name, args, { stdio: ['ignore', log, log] });
      closeSync(log);
      children.push({ name, child });
      return child;
    };
    try {
      const containerdAnswers = () =>
        spawnSync('ctr', ['--address', CONTAINERD_SOCKET, 'version']).status === 0;
      if (!(existsSync(CONTAINERD_SOCKET) && containerdAnswers())) {
        launch('containerd', []);
        await waitFor('containerd answering', async () => containerdAnswers() || undefined, 30_000);
      }
      const mtu = uplinkMtu();
      launch('dockerd', [
        '--containerd',
        CONTAINERD_SOCKET,
        // Docker's bridges default to 1500; packets from containers must fit the uplink.
        ...(mtu && mtu < 1500 ? ['--mtu', String(mtu)] : []),
      ]);
      await waitFor('dockerd answering', async () => engineRunning() || undefined, 60_000);
      if (before.forwardPolicy) iptables('-P', 'FORWARD', before.forwardPolicy);
    } catch (err) {
      const tail = ['containerd', 'dockerd']
        .map((n) => join(logDir, `${n}.log`))
        .filter((f) => existsSync(f))
        .map((f) => `${f}:\n${readFileSync(f, 'utf8').split('\n').slice(-20).join('\n')}`);
      await engine.stop();
      throw new Error(`${(err as Error).message}\n${tail.join('\n')}`);
    }
    return engine;
  }

  /** Stops the engine if this process started it, and restores the machine; returns any problems. */
  async stop(): Promise<string[]> {
    if (!this.started || !this.before) return [];
    const problems: string[] = [];
    // dockerd first: it stops its containers and leaves containerd.
    for (const { name, child } of [...this.children].reverse())
      problems.push(...(await stopProcess(child, name)));
    const before = this.before;
    if (!before.dockerChains) problems.push(...removeDockerRules());
    if (before.forwardPolicy) iptables('-P', 'FORWARD', before.forwardPolicy);
    if (readFileSync(IP_FORWARD, 'utf8').trim() !== before.ipForward)
      writeFileSync(IP_FORWARD, before.ipForward);
    if (!before.docker0) spawnSync('ip', ['link', 'del', 'docker0']);
    return problems;
  }
}

/** Deletes the rules that lead to Docker's chains or name its bridges, then the chains themselves. */
function removeDockerRules(): string[] {
  const problems: string[] = [];
  for (const table of ['filter', 'nat']) {
    const lines = iptables('-t', table, '-S').stdout.split('\n');
    for (const line of lines) {
      const [, chain = '', rule = ''] = /^-A (\S+) (.*)$/.exec(line) ?? [];
      if (chain === '' || chain.startsWith('DOCKER') || !/DOCKER|docker0|br-[0-9a-f]{12}/.test(rule))
        continue;
      // Docker's rules hold no quoted words, so splitting at spaces gives back its arguments.
      const r = iptables('-t', table, '-D', chain, ...rule.split(' '));
      if (r.status !== 0) problems.push(`iptables -t ${table} -D ${chain} ${rule}: ${r.stderr.trim()}`);
    }
    const chains = lines.flatMap((l) => /^-N (DOCKER\S*)$/.exec(l)?.[1] ?? []);
    for (const c of chains) iptables('-t', table, '-F', c);
    for (const c of chains) {
      const r = iptables('-t', table, '-X', c);
      if (r.status !== 0) problems.push(`iptables -t ${table} -X ${c}: ${r.stderr.trim()}`);
    }
  }
  return problems;
}
