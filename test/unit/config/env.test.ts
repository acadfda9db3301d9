import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NODE_START_ARGS, nodeEnvironment } from '../../../services/cli/node-process.js';
import {
  configPathOf,
  initNetwork,
  loadNodeConfig,
  readNetworkDefinition,
  withEnvironment,
} from '../../../services/config/index.js';
import { BIN } from '../../support/cluster.js';
import { freePorts } from '../../support/ports.js';

const run = promisify(execFile);
const HEALTHCHECK = join(import.meta.dirname, '../../../dist/services/cli/healthcheck.js');
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'waybill-env-'));
  const def = readNetworkDefinition(join(import.meta.dirname, '../../../deploy/devnet.network.yaml'));
  await initNetwork(def, join(dir, 'net'), Date.now());
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('environment overrides', () => {
  it('takes node.json from --config, else WAYBILL_CONFIG, and says which is missing', () => {
    expect(configPathOf('a.json', { WAYBILL_CONFIG: 'b.json' })).toBe('a.json');
    expect(configPathOf(undefined, { WAYBILL_CONFIG: 'b.json' })).toBe('b.json');
    expect(() => configPathOf(undefined, { WAYBILL_CONFIG: '' })).toThrow(
      /--config is required \(or set WAYBILL_CONFIG\)/,
    );
  });

  it('moves the data directory and the log level, and leaves the rest of node.json alone', () => {
    const config = loadNodeConfig(join(dir, 'net', 'freshmart', 'node.json'));
    const moved = withEnvironment(config, { WAYBILL_DATA_DIR: '/data', WAYBILL_LOG_LEVEL: 'debug' });
    expect(moved).toEqual({ ...config, dataDir: '/data', logLevel: 'debug' });
    expect(withEnvironment(config, {})).toEqual(config);
  });

  it('gives every devnet node its own node.json and never a shared data directory', () => {
    const env = nodeEnvironment('/x/freshmart/node.json', { PATH: '/bin', WAYBILL_DATA_DIR: '/shared' });
    expect(env).toEqual({ PATH: '/bin', WAYBILL_CONFIG: '/x/freshmart/node.json' });
    expect(NODE_START_ARGS).toEqual(['node', 'start']);
  });

  it('issues a token for the org WAYBILL_CONFIG names, as `docker compose exec <org> waybill token` does', async () => {
    const { stdout } = await run(process.execPath, [BIN, 'token', '--sub', 'erp', '--role', 'events:read'], {
      env: { ...process.env, WAYBILL_CONFIG: join(dir, 'net', 'valley-packers', 'node.json') },
    });
    expect(decodeJwt(stdout.trim())).toMatchObject({ iss: 'valley-packers', sub: 'erp' });
  });
});

describe('the container health probe', () => {
  let server: Server;
  let healthy = true;
  let port: number;

  beforeAll(async () => {
    [port = 0] = await freePorts(1);
    server = createServer((req, res) => {
      res.statusCode = req.url === '/healthz' && healthy ? 200 : 503;
      res.end();
    });
    await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
    // A container's node.json: listening on every interface; the probe asks loopback.
    const config = { org: 'x', api: { host: '0.0.0.0', port }, p2p: { listen: [] } };
    writeFileSync(join(dir, 'probe.json'), JSON.stringify(config));
  });
  afterAll(() => new Promise((r) => server.close(r)));

  const probe = () =>
    run(process.execPath, [HEALTHCHECK], {
      env: { ...process.env, WAYBILL_CONFIG: join(dir, 'probe.json') },
    });

  it('loads only what a probe needs: no libp2p, ajv or custody rules (a fresh process every 10 s)', () => {
    // The import graph of the built probe, followed through relative imports.
    const files = new Set<string>();
    const packages = new Set<string>();
    const visit = (file: string) => {
      if (files.has(file)) return;
      files.add(file);
      for (const [, spec] of readFileSync(file, 'utf8').matchAll(/(?:from|import)\s*['"]([^'"]+)['"]/g)) {
        if (spec?.startsWith('.')) visit(join(dirname(file), spec));
        else if (spec && !spec.startsWith('node:')) packages.add(spec);
      }
    };
    visit(HEALTHCHECK);
    expect([...files].some((f) => /services\/(p2p|contracts|privacy|ledger)\//.test(f))).toBe(false);
    expect([...packages].filter((p) => /libp2p|ajv|cel/.test(p))).toEqual([]);
    expect(files.size).toBeGreaterThan(2);
  });

  it('exits 0 while /healthz answers 200 and 1 with the reason once it does not', async () => {
    healthy = true;
    await expect(probe()).resolves.toMatchObject({ stderr: '' });
    healthy = false;
    await expect(probe()).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('answered 503') });
  });
});
