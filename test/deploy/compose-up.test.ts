import { spawn, spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ENV_VARS } from '../../services/config/index.js';
import { waitFor } from '../support/wait.js';
import { DockerEngine } from './docker-engine.js';
import { composeCommand, ROOT, readCompose } from './support.js';

// `docker compose up` as a new user runs it, with real containers: a Docker engine (the one that
// runs, or Debian's docker.io started here), the image built from deploy/Dockerfile, the four
// organisations' nodes up and healthy, and the demo story told against them. Needs root; CI has
// it and must run this (.ci/run installs docker.io and docker-compose), elsewhere it is skipped
// with the reason. Where the registry's base image cannot be pulled, a stand-in is made under its
// tag (test/deploy/stand-in-base-image.sh); deploy/Dockerfile is built unchanged.

const required = process.env.CI === 'true';
const command = composeCommand();
const unavailable =
  DockerEngine.unavailable() ??
  (command ? undefined : 'neither docker-compose nor `docker compose` is installed (Debian: docker-compose)');
if (unavailable && !required) console.warn(`compose-up.test skipped: ${unavailable}`);

/** The base image deploy/Dockerfile builds FROM, with its ARG's default. */
function baseImage(): string {
  const text = readFileSync(join(ROOT, 'deploy/Dockerfile'), 'utf8');
  const version = /^ARG NODE_VERSION=(\S+)$/m.exec(text)?.[1];
  const from = /^FROM (\S+)/m.exec(text)?.[1];
  if (!version || !from) throw new Error('deploy/Dockerfile: no ARG NODE_VERSION or FROM');
  return from.replace(/\$\{NODE_VERSION\}/, version);
}

const nodeServices = Object.entries(readCompose().services)
  .filter(([, s]) => s.environment?.[ENV_VARS.config])
  .map(([name]) => name);
// Its own project, so its `down -v` never touches a user's `waybill` volumes.
const project = `waybill-ci-${process.pid}`;
const seconds = (since: number) => ((Date.now() - since) / 1000).toFixed(0);

interface Run {
  status: number | null;
  output: string;
}

/** Runs a command with its output in `log` (builds print much); resolves with the output's tail. */
function run(cmd: string, args: string[], log: string, timeoutMs: number): Promise<Run> {
  return new Promise((resolve, reject) => {
    const fd = openSync(log, 'w');
    const child = spawn(cmd, args, {
      cwd: ROOT,
      stdio: ['ignore', fd, fd],
      // Debian's docker-compose 1.29 and docker.io 20.10 build with the classic builder.
      env: { ...process.env, DOCKER_BUILDKIT: '0', COMPOSE_DOCKER_CLI_BUILD: '0' },
    });
    closeSync(fd);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('exit', (status) => {
      clearTimeout(timer);
      resolve({ status, output: readFileSync(log, 'utf8').split('\n').slice(-60).join('\n') });
    });
  });
}

describe.runIf(!unavailable || required)('docker compose up, with real containers', () => {
  let logs = '';
  let engine: DockerEngine | undefined;
  let upAt = 0;
  let ready = false;
  let testFailed = false;
  let steps = 0;
  const timings: string[] = [];
  const compose = (args: string[], name: string, timeoutMs = 300_000) =>
    run(
      (command as string[])[0] as string,
      [...(command as string[]).slice(1), '-p', project, '-f', join(ROOT, 'docker-compose.yml'), ...args],
      join(logs, `${++steps}-${name}.log`),
      timeoutMs,
    );
  const step = async (name: string, action: () => Promise<Run>) => {
    const at = Date.now();
    const r = await action();
    timings.push(`${name} ${seconds(at)} s`);
    expect(r.status, `${name} failed:\n${r.output}`).toBe(0);
    return r;
  };
  const containerOf = (service: string) =>
    spawnSync(
      'docker',
      [
        'ps',
        '-aq',
        '--filter',
        `label=com.docker.compose.project=${project}`,
        '--filter',
        `label=com.docker.compose.service=${service}`,
      ],
      {
        encoding: 'utf8',
      },
    ).stdout.trim();

  beforeAll(async () => {
    if (unavailable) throw new Error(`CI must run the compose test, but ${unavailable}`);
    logs = mkdtempSync(join(tmpdir(), 'waybill-compose-up-'));
    const started = Date.now();
    engine = await DockerEngine.ensure(logs);
    timings.push(`engine ${engine.started ? 'started' : 'already running'} ${seconds(started)} s`);

    const base = baseImage();
    if (spawnSync('docker', ['image', 'inspect', base]).status !== 0) {
      const pulled = await run('docker', ['pull', base], join(logs, 'pull.log'), 180_000);
      timings.push(`pull ${base}: ${pulled.status === 0 ? 'pulled' : 'cannot be pulled'}`);
      if (pulled.status !== 0) {
        await step(`stand-in ${base}`, () =>
          run(
            'bash',
            [join(ROOT, 'test/deploy/stand-in-base-image.sh'), base],
            join(logs, 'stand-in.log'),
            1_200_000,
          ),
        );
      }
    }
    await step('build', () => compose(['build'], 'build', 1_500_000));
    upAt = Date.now();
    await step('up', () => compose(['up', '-d'], 'up'));
    ready = true;
  }, 2_700_000);

  afterEach(({ task }) => {
    if (task.result?.state === 'fail') testFailed = true;
  });

  afterAll(async () => {
    const problems: string[] = [];
    if (engine) {
      const down = await compose(['down', '-v', '--remove-orphans'], 'down', 120_000);
      if (down.status !== 0) problems.push(`down -v failed:\n${down.output}`);
      problems.push(...(await engine.stop()));
    }
    // The logs stay when something went wrong in the test or in the teardown.
    const failed = problems.length > 0 || !ready || testFailed;
    console.log(`compose-up.test: ${timings.join(', ')}${failed ? `; logs in ${logs}` : ''}`);
    if (!failed && logs) rmSync(logs, { recursive: true, force: true });
    expect(problems).toEqual([]);
  }, 240_000);

  it('brings the four organisations’ nodes up healthy', async () => {
    expect(nodeServices).toHaveLength(4);
    const health = await waitFor(
      'four healthy nodes',
      () => {
        const states = nodeServices.map((s) => {
          const id = containerOf(s);
          const r = spawnSync('docker', ['inspect', '--format', '{{.State.Health.Status}}', id], {
            encoding: 'utf8',
          });
          return `${s}=${r.stdout.trim() || 'none'}`;
        });
        return states.every((s) => s.endsWith('=healthy')) ? states : undefined;
      },
      240_000,
      2_000,
    );
    timings.push(`healthy ${seconds(upAt)} s from the start of up`);
    expect(health).toEqual(nodeServices.map((s) => `${s}=healthy`));
  }, 300_000);

  it('shows each node genesis.json and its own organisation’s files, no other’s keys', () => {
    for (const service of nodeServices) {
      const r = spawnSync('docker', ['exec', containerOf(service), 'find', '/network', '-type', 'f'], {
        encoding: 'utf8',
      });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout.trim().split('\n').sort()).toEqual(
        [
          '/network/genesis.json',
          ...['enc.key', 'jwt.key', 'node.json', 'node.key', 'subscriptions.key'].map(
            (f) => `/network/${service}/${f}`,
          ),
        ].sort(),
      );
    }
  });

  it('passes the demo story against the containers, as the README runs it', async () => {
    const demo = await step('demo', () =>
      compose(
        [
          'run',
          '--rm',
          '--entrypoint',
          'waybill',
          'network-init',
          'demo',
          '--network',
          '/network',
          '--out',
          '/tmp',
        ],
        'demo',
      ),
    );
    expect(demo.output).not.toContain('✗');
    expect(demo.output).toMatch(/all \d+ events of the chain carry proofs that verify offline/);
    expect(demo.output).toMatch(/The story checks out/);
  }, 300_000);
});
