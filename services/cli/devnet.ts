import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createWriteStream, existsSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { issueToken } from '../api/index.js';
import { WaybillError } from '../common/index.js';
import {
  apiUrl,
  GENESIS_FILE,
  initNetwork,
  loadNodeConfig,
  NODE_FILE,
  readGenesis,
  readNetworkDefinition,
  readPrivateFile,
} from '../config/index.js';
import { EPCIS_CONTEXT_URL } from '../epcis/index.js';
import { flags } from './args.js';
import { NODE_START_ARGS, nodeEnvironment } from './node-process.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const BIN = join(ROOT, 'dist/services/cli/bin.js');

export async function runDevnet(args: string[]): Promise<number> {
  const f = flags(args, {
    dir: { type: 'string', default: '.devnet' },
    config: { type: 'string', default: join(ROOT, 'deploy/devnet.network.yaml') },
  });
  const dir = resolve(f.dir as string);
  if (!existsSync(join(dir, GENESIS_FILE))) {
    await initNetwork(readNetworkDefinition(f.config as string), dir, Date.now());
    process.stdout.write(`initialised a new network in ${dir}\n`);
  }
  const genesis = devnetGenesis(dir);
  const children = genesis.members.map((m) => spawnNode(dir, m.id));
  const stopped = Promise.all(children.map((c) => new Promise<void>((r) => c.once('exit', () => r()))));
  let stopping = false;
  const stopAll = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`\nstopping ${children.length} nodes…\n`);
    for (const c of children) c.kill(signal === 'SIGINT' ? 'SIGTERM' : signal);
  };
  process.on('SIGINT', stopAll);
  process.on('SIGTERM', stopAll);
  process.once('exit', () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  });
  for (const c of children) c.once('exit', (code) => code !== 0 && !stopping && stopAll('SIGTERM'));

  const urls = genesis.members.map((m) => apiUrl(m.host, m.apiPort));
  if (await waitReady(urls, () => stopping)) await printWelcome(dir);
  else if (!stopping) process.stdout.write(`nodes did not become ready; see ${dir}/<org>/node.log\n`);
  await stopped;
  process.stdout.write('all nodes stopped\n');
  return 0;
}

function spawnNode(dir: string, org: string): ChildProcess {
  const log = createWriteStream(join(dir, org, 'node.log'), { flags: 'a' });
  const child = spawn(process.execPath, [BIN, ...NODE_START_ARGS], {
    env: nodeEnvironment(join(dir, org, NODE_FILE)),
    stdio: ['ignore', 'pipe', 'pipe'],
    // Own process group: Ctrl-C reaches only the devnet, which stops each node exactly once
    // (a node that got both the terminal's SIGINT and our SIGTERM would exit hard).
    detached: true,
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  child.stderr?.on('data', (chunk: Buffer) => process.stderr.write(`[${org}] ${chunk}`));
  child.once('exit', (code, signal) => process.stdout.write(`[${org}] exited (${signal ?? code})\n`));
  return child;
}

async function waitReady(urls: string[], cancelled: () => boolean, timeoutMs = 60_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !cancelled()) {
    const ready = await Promise.all(
      urls.map((u) =>
        fetch(`${u}/readyz`).then(
          (r) => r.ok,
          () => false,
        ),
      ),
    );
    if (ready.every(Boolean)) return true;
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

async function printWelcome(dir: string): Promise<void> {
  const genesis = readGenesis(join(dir, GENESIS_FILE));
  const out: string[] = [
    `\nWaybill devnet '${genesis.network}' is up: ${genesis.members.length} organisations.\n`,
  ];
  const tokens = new Map<string, string>();
  for (const m of genesis.members) {
    const config = loadNodeConfig(join(dir, m.id, NODE_FILE));
    const token = await issueToken({
      privateJwk: JSON.parse(readPrivateFile(config.jwtKeyPath)),
      org: m.id,
      network: genesis.network,
      sub: 'devnet-erp',
      roles: ['events:write', 'events:read'],
      ttlSeconds: 7 * 24 * 3600,
    });
    tokens.set(m.id, token);
    const env = `${m.id.toUpperCase().replace(/-/g, '_')}_TOKEN`;
    out.push(`  ${m.name.padEnd(20)} ${apiUrl(m.host, m.apiPort)}   logs: ${join(dir, m.id, 'node.log')}`);
    out.push(`    export ${env}=${token}`);
  }
  const first = genesis.members[0];
  if (first) out.push(...curlExample(dir, first, tokens.get(first.id) ?? '', genesis.members));
  out.push('\nPress Ctrl-C to stop all nodes.\n');
  process.stdout.write(`${out.join('\n')}\n`);
}

function curlExample(
  dir: string,
  first: { id: string; host: string; apiPort: number; parties: string[]; locations: string[] },
  token: string,
  members: Array<{ host: string; apiPort: number }>,
): string[] {
  const eventID = `urn:uuid:${randomUUID()}`;
  const file = join(dir, 'example-capture.json');
  writeFileSync(file, `${JSON.stringify(exampleDocument(eventID, first.locations[0] ?? ''), null, 2)}\n`);
  const base = apiUrl(first.host, first.apiPort);
  const lines = [
    `\nCapture an EPCIS event at ${first.id} (document: ${file}):`,
    `  curl -sS -X POST ${base}/capture -H 'Content-Type: application/ld+json' -H 'Authorization: Bearer ${token}' --data @${file}`,
    '\nThen read it from every node:',
  ];
  for (const m of members) {
    lines.push(
      `  curl -sS -H 'Authorization: Bearer ${token}' '${apiUrl(m.host, m.apiPort)}/events/${encodeURIComponent(eventID)}'`,
    );
  }
  return lines;
}

function exampleDocument(eventID: string, location: string): Record<string, unknown> {
  return {
    '@context': [EPCIS_CONTEXT_URL],
    type: 'EPCISDocument',
    schemaVersion: '2.0',
    creationDate: new Date().toISOString(),
    epcisBody: {
      eventList: [
        {
          type: 'ObjectEvent',
          eventID,
          eventTime: new Date().toISOString(),
          eventTimeZoneOffset: '+00:00',
          action: 'ADD',
          bizStep: 'commissioning',
          disposition: 'active',
          epcList: ['urn:epc:id:sgtin:0614141.107346.2017'],
          readPoint: { id: location },
          bizLocation: { id: location },
        },
      ],
    },
  };
}

/** A devnet directory made by an earlier, incompatible Waybill is explained, with the way out. */
function devnetGenesis(dir: string) {
  try {
    return readGenesis(join(dir, GENESIS_FILE));
  } catch (err) {
    if (!(err instanceof WaybillError)) throw err;
    throw new WaybillError(
      err.code,
      `${err.message}. This devnet is disposable: remove ${dir} and run npm run devnet again`,
    );
  }
}
