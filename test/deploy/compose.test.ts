import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { NODE_START_ARGS } from '../../services/cli/node-process.js';
import {
  ENV_VARS,
  type Genesis,
  initNetwork,
  loadNodeConfig,
  readGenesis,
  readNetworkDefinition,
} from '../../services/config/index.js';
import { NodeMetrics } from '../../services/node/metrics.js';
import { type ComposeService, composeCommand, dockerfile, ROOT, readCompose } from './support.js';

const compose = readCompose();
const services = compose.services;
/** The organisations' services: the ones that run a node from a node.json. */
const nodeServices = Object.entries(services).filter(([, s]) => s.environment?.[ENV_VARS.config]);
const image = dockerfile();

/** Where the image keeps a network (the `network` volume) and its data (WAYBILL_DATA_DIR). */
const NETWORK_MOUNT = '/network';
const DATA_MOUNT = '/data';

let dir: string;
let genesis: Genesis;

beforeAll(async () => {
  // What network-init writes on the first `docker compose up`, here in a temporary folder.
  dir = mkdtempSync(join(tmpdir(), 'waybill-compose-'));
  const def = readNetworkDefinition(join(ROOT, 'deploy/compose.network.yaml'));
  genesis = readGenesis((await initNetwork(def, join(dir, 'network'), Date.now())).genesisPath);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A path inside the `network` volume, as a path in the test's generated network. */
function generated(containerPath: string): string {
  expect(containerPath.startsWith(`${NETWORK_MOUNT}/`)).toBe(true);
  return join(dir, 'network', containerPath.slice(NETWORK_MOUNT.length + 1));
}

describe('the compose network', () => {
  it("is the devnet's network with service names for hosts", () => {
    const devnet = readNetworkDefinition(join(ROOT, 'deploy/devnet.network.yaml'));
    const containers = readNetworkDefinition(join(ROOT, 'deploy/compose.network.yaml'));
    const withoutHosts = (orgs: typeof devnet.orgs) => orgs.map(({ host: _, ...rest }) => rest);
    expect(withoutHosts(containers.orgs)).toEqual(withoutHosts(devnet.orgs));
    expect({ ...containers, orgs: [] }).toEqual({ ...devnet, orgs: [] });
    for (const org of containers.orgs) expect(org.host).toBe(org.id);
  });

  it('has one node service per member, named as its genesis host, and nothing else but init and monitoring', () => {
    expect(nodeServices.map(([name]) => name).sort()).toEqual(genesis.members.map((m) => m.host).sort());
    expect(Object.keys(services).sort()).toEqual(
      [...genesis.members.map((m) => m.host), 'network-init', 'prometheus', 'grafana'].sort(),
    );
    for (const name of ['prometheus', 'grafana']) expect(services[name]?.profiles).toEqual(['monitoring']);
  });

  it('starts each node from its own generated node.json, whose keys match genesis', () => {
    for (const [name, service] of nodeServices) {
      const configPath = generated(service.environment?.[ENV_VARS.config] ?? '');
      const config = loadNodeConfig(configPath); // also checks key modes and key ↔ genesis
      expect(config.org).toBe(name);
      expect(config.self.host).toBe(name);
    }
  });

  it('publishes each API port as genesis has it, listens on all interfaces and exposes the P2P port', () => {
    const published = new Set<string>();
    for (const [name, service] of nodeServices) {
      const member = genesis.members.find((m) => m.host === name);
      const config = loadNodeConfig(generated(service.environment?.[ENV_VARS.config] ?? ''));
      expect(member).toBeDefined();
      if (!member) continue;
      expect(service.ports).toEqual([`127.0.0.1:${member.apiPort}:${member.apiPort}`]);
      expect(service.expose).toEqual([String(member.p2pPort)]);
      // Peers dial the service name; inside its container the node must accept on every interface.
      expect(config.api).toMatchObject({ host: '0.0.0.0', port: member.apiPort });
      expect(config.p2p.listen).toEqual([`/ip4/0.0.0.0/tcp/${member.p2pPort}`]);
      for (const p of service.ports ?? []) {
        expect(published.has(p)).toBe(false);
        published.add(p);
      }
    }
  });

  it('gives each node its own data volume on the image volume, and read-only only genesis and its own keys', () => {
    const dataVolumes = new Set<string>();
    for (const [name, service] of nodeServices) {
      expect(service.volumes).toEqual([
        `network:${NETWORK_MOUNT}:ro`,
        `${name}-keys:${NETWORK_MOUNT}/${name}:ro`,
        `${name}-data:${DATA_MOUNT}`,
      ]);
      // Its node.json is in its own directory and names genesis.json, the one shared file, beside it.
      const configPath = service.environment?.[ENV_VARS.config] ?? '';
      expect(configPath).toBe(`${NETWORK_MOUNT}/${name}/node.json`);
      dataVolumes.add(`${name}-data`);
    }
    expect(dataVolumes.size).toBe(nodeServices.length);
    const keyVolumes = nodeServices.map(([name]) => `${name}-keys`);
    for (const v of [...dataVolumes, ...keyVolumes, 'network']) expect(compose.volumes).toHaveProperty(v);
    expect(image.env[ENV_VARS.dataDir]).toBe(DATA_MOUNT);
    expect(image.volumes).toEqual([DATA_MOUNT]);
  });

  it('generates the network from deploy/compose.network.yaml into the network volume, once', () => {
    const init = services['network-init'] as ComposeService;
    expect(init.volumes).toEqual([
      './deploy/compose.network.yaml:/etc/waybill/network.yaml:ro',
      `network:${NETWORK_MOUNT}`,
      ...nodeServices.map(([name]) => `${name}-keys:${NETWORK_MOUNT}/${name}`),
    ]);
    const script = (init.command as string[]).join(' ');
    expect(script).toContain(`test -f ${NETWORK_MOUNT}/genesis.json ||`);
    expect(script).toContain(
      `waybill network init --config /etc/waybill/network.yaml --out ${NETWORK_MOUNT}`,
    );
    for (const [, service] of nodeServices) {
      expect(service.depends_on).toEqual({ 'network-init': { condition: 'service_completed_successfully' } });
    }
  });
});

describe('the image', () => {
  it("runs the devnet's node start command as its entrypoint, with no override in compose", () => {
    expect(image.entrypoint).toEqual(['node', '/app/dist/services/cli/bin.js', ...NODE_START_ARGS]);
    for (const [, service] of nodeServices) {
      expect(service.entrypoint).toBeUndefined();
      expect(service.command).toBeUndefined();
      expect(service.build).toEqual({ context: '.', dockerfile: 'deploy/Dockerfile' });
    }
  });

  it('is built in stages on a slim Node base and runs as a non-root user with a node HEALTHCHECK', () => {
    expect(image.froms.length).toBeGreaterThanOrEqual(2);
    for (const from of image.froms) expect(from).toMatch(/^node:\$\{NODE_VERSION\}-bookworm-slim/);
    expect(image.user).toBe('node');
    expect(image.healthcheck).toEqual(['node', '/app/dist/services/cli/healthcheck.js']);
    expect(existsSync(join(ROOT, 'dist/services/cli/healthcheck.js'))).toBe(true);
  });
});

describe('monitoring', () => {
  it('scrapes every node at its service name and API port, labelled with its org', () => {
    const prometheus = parse(readFileSync(join(ROOT, 'deploy/prometheus.yml'), 'utf8')) as {
      scrape_configs: Array<{
        metrics_path: string;
        static_configs: Array<{ targets: string[]; labels: { org: string } }>;
      }>;
    };
    const [job] = prometheus.scrape_configs;
    expect(job?.metrics_path).toBe('/metrics');
    const targets = (job?.static_configs ?? []).map((c) => ({ targets: c.targets, org: c.labels.org }));
    expect(targets).toEqual(genesis.members.map((m) => ({ targets: [`${m.host}:${m.apiPort}`], org: m.id })));
  });

  it('charts height, commits per second, commit latency and rejections by code from metrics the node serves', async () => {
    const dashboard = JSON.parse(
      readFileSync(join(ROOT, 'deploy/grafana/dashboards/waybill.json'), 'utf8'),
    ) as {
      panels: Array<{ title: string; datasource: { uid: string }; targets: Array<{ expr: string }> }>;
    };
    const titles = dashboard.panels.map((p) => p.title);
    for (const t of ['Height', 'Commits per second', 'Commit latency', 'Rejections by code'])
      expect(titles).toContain(t);
    const datasources = parse(
      readFileSync(join(ROOT, 'deploy/grafana/provisioning/datasources/prometheus.yml'), 'utf8'),
    ) as { datasources: Array<{ uid: string; url: string }> };
    expect(datasources.datasources[0]?.url).toBe('http://prometheus:9090');
    for (const p of dashboard.panels) expect(p.datasource.uid).toBe(datasources.datasources[0]?.uid);

    const served = (await new NodeMetrics().registry.getMetricsAsJSON()).map((m) => m.name);
    const used = new Set(
      dashboard.panels.flatMap((p) => p.targets.flatMap((t) => t.expr.match(/waybill_[a-z_]+/g) ?? [])),
    );
    const missing = [...used]
      .map((n) => n.replace(/_(bucket|sum|count)$/, ''))
      .filter((n) => !served.includes(n));
    // Every metric the dashboard charts is one the node serves.
    expect(missing).toEqual([]);
  });
});

describe('docker-compose config', () => {
  const command = composeCommand();
  const required = process.env.CI === 'true';
  if (!command && !required) {
    console.warn(
      'compose.test: no docker-compose or `docker compose` here; skipping `config -q` (CI installs docker-compose and runs it)',
    );
  }

  it.runIf(command !== undefined || required)(
    'accepts docker-compose.yml, with and without the monitoring profile',
    () => {
      expect(command, 'CI must have docker-compose: .ci/run installs it').toBeDefined();
      if (!command) return;
      for (const profile of [[], ['--profile', 'monitoring']]) {
        const args = [...command.slice(1), '-f', 'docker-compose.yml', ...profile, 'config', '-q'];
        const result = spawnSync(command[0] as string, args, { cwd: ROOT, encoding: 'utf8' });
        expect(result.stderr).toBe('');
        expect(result.status).toBe(0);
      }
      const listed = execFileSync(
        command[0] as string,
        [...command.slice(1), '-f', 'docker-compose.yml', 'config', '--services'],
        {
          cwd: ROOT,
          encoding: 'utf8',
        },
      );
      // What compose itself reads is what these tests read.
      expect(listed.trim().split('\n').sort()).toEqual(Object.keys(services).sort());
    },
  );
});
