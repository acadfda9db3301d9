import { spawnSync } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';

/**
 * Separate hosts on one machine: one network namespace per node, each joined by a veth pair to a
 * bridge in the root namespace, with addresses in a /24 of 10.203.0.0/16 that this helper creates
 * and removes and that exists nowhere else. Nothing here reaches outside the machine: the
 * namespaces have no route but their own subnet, and a blackhole route for the subnet in the root
 * namespace stays until the bridge is gone, so no packet for it ever follows the default route.
 *
 * A Docker engine on the machine (already running, or started by test/deploy/compose-up.test.ts
 * while this runs) loads br_netfilter, so frames between two ports of this bridge pass iptables'
 * FORWARD chain, and sets that chain's policy to DROP: the nodes would never hear each other. So,
 * where iptables is installed, the bridge lets its own traffic through with a rule of its own, at
 * the top of FORWARD, removed with the bridge.
 */
export class TestHosts {
  private constructor(
    readonly subnet: string,
    readonly bridge: string,
    /** The root namespace's address on the bridge (the test process talks to the nodes from there). */
    readonly gateway: string,
    readonly namespaces: string[],
    /** One address per namespace, in order. */
    readonly addresses: string[],
  ) {}

  /** Why namespaces cannot be made here, or undefined when they can. */
  static unavailable(): string | undefined {
    if (process.platform !== 'linux')
      return `network namespaces are Linux only (this is ${process.platform})`;
    if (process.getuid?.() !== 0) return 'creating network namespaces needs root';
    const version = spawnSync('ip', ['-V'], { encoding: 'utf8' });
    if (version.error || version.status !== 0) return 'the ip command (iproute2) is not installed';
    const probe = `wbprobe${process.pid}`;
    const add = spawnSync('ip', ['netns', 'add', probe], { encoding: 'utf8' });
    if (add.status !== 0) return `ip netns add failed: ${add.stderr.trim()}`;
    spawnSync('ip', ['netns', 'del', probe]);
    return undefined;
  }

  /**
   * `count` hosts; with `names`, host i is also called names[i] on every host, through
   * /etc/netns/<namespace>/hosts (which `ip netns exec` puts in place of /etc/hosts), as
   * compose's DNS names its services.
   */
  static create(count: number, names: string[] = []): TestHosts {
    const id = randomBytes(3).toString('hex');
    const octet = freeSubnetOctet();
    const net = `10.203.${octet}`;
    const hosts = new TestHosts(
      `${net}.0/24`,
      `wb${id}br`,
      `${net}.254`,
      Array.from({ length: count }, (_, i) => `wb${id}n${i}`),
      Array.from({ length: count }, (_, i) => `${net}.${i + 1}`),
    );
    try {
      hosts.build(id);
      if (names.length > 0) hosts.writeHostsFiles(names);
    } catch (err) {
      hosts.destroy();
      throw err;
    }
    return hosts;
  }

  /** The words that run a command on host `index`: `ip netns exec <namespace>`. */
  exec(index: number): string[] {
    const ns = this.namespaces[index];
    if (ns === undefined) throw new Error(`no test host ${index}`);
    return ['ip', 'netns', 'exec', ns];
  }

  /** Removes the namespaces, the bridge and the route, whatever state creation reached. */
  destroy(): string[] {
    const problems: string[] = [];
    for (const ns of this.namespaces) {
      rmSync(`/etc/netns/${ns}`, { recursive: true, force: true });
      // Deleting a namespace deletes its end of the veth pair, and with it the root end.
      const r = spawnSync('ip', ['netns', 'del', ns], { encoding: 'utf8' });
      if (r.status !== 0 && !/No such file/.test(r.stderr)) problems.push(r.stderr.trim());
    }
    if (this.forwardRule) {
      const r = spawnSync('iptables', ['-D', 'FORWARD', ...this.forwardRule], { encoding: 'utf8' });
      if (r.status !== 0) problems.push(`iptables -D FORWARD: ${r.stderr.trim()}`);
      this.forwardRule = undefined;
    }
    for (const args of [
      ['link', 'del', this.bridge],
      ['route', 'del', 'blackhole', this.subnet, 'metric', '4000'],
    ]) {
      const r = spawnSync('ip', args, { encoding: 'utf8' });
      if (r.status !== 0 && !/Cannot find|No such|not found/i.test(r.stderr)) problems.push(r.stderr.trim());
    }
    return problems;
  }

  private writeHostsFiles(names: string[]): void {
    const lines = ['127.0.0.1 localhost', ...names.map((name, i) => `${this.addresses[i]} ${name}`)];
    for (const ns of this.namespaces) {
      mkdirSync(`/etc/netns/${ns}`, { recursive: true });
      writeFileSync(`/etc/netns/${ns}/hosts`, `${lines.join('\n')}\n`);
    }
  }

  /** The FORWARD rule that lets the bridge's own traffic through, while it is in place. */
  private forwardRule: string[] | undefined;

  private build(id: string): void {
    // First: while it exists, the subnet can never leave by the default route.
    ip('route', 'add', 'blackhole', this.subnet, 'metric', '4000');
    if (spawnSync('iptables', ['-V']).status === 0) {
      const rule = ['-i', this.bridge, '-o', this.bridge, '-j', 'ACCEPT'];
      const r = spawnSync('iptables', ['-I', 'FORWARD', '1', ...rule], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`iptables -I FORWARD: ${r.stderr.trim() || r.error?.message}`);
      this.forwardRule = rule;
    }
    ip('link', 'add', this.bridge, 'type', 'bridge');
    ip('addr', 'add', `${this.gateway}/24`, 'dev', this.bridge);
    ip('link', 'set', this.bridge, 'up');
    this.namespaces.forEach((ns, i) => {
      const outer = `wb${id}v${i}`;
      const inner = `wb${id}p${i}`;
      ip('netns', 'add', ns);
      ip('link', 'add', outer, 'type', 'veth', 'peer', 'name', inner);
      ip('link', 'set', inner, 'netns', ns);
      ip('link', 'set', outer, 'master', this.bridge, 'up');
      ip('-n', ns, 'link', 'set', 'lo', 'up');
      ip('-n', ns, 'addr', 'add', `${this.addresses[i]}/24`, 'dev', inner);
      ip('-n', ns, 'link', 'set', inner, 'up');
    });
    for (const address of this.addresses) {
      const route = ip('-j', 'route', 'get', address);
      const dev = (JSON.parse(route) as Array<{ dev?: string }>)[0]?.dev;
      if (dev !== this.bridge)
        throw new Error(`${address} routes via ${dev}, not the test bridge ${this.bridge}`);
    }
  }
}

function ip(...args: string[]): string {
  const r = spawnSync('ip', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ip ${args.join(' ')}: ${r.stderr.trim() || r.error?.message}`);
  return r.stdout;
}

/** A 10.203.x.0/24 that no route of this machine mentions (parallel runs pick different ones). */
function freeSubnetOctet(): number {
  const routes = ip('route', 'show', 'table', 'all');
  for (let tries = 0; tries < 50; tries++) {
    const octet = randomInt(1, 255);
    if (!routes.includes(`10.203.${octet}.`)) return octet;
  }
  throw new Error('no free 10.203.x.0/24 subnet for test hosts');
}
