import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string };
  entrypoint?: string[];
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  expose?: string[];
  volumes?: string[];
  depends_on?: unknown;
  profiles?: string[];
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes: Record<string, unknown>;
}

/** docker-compose.yml as compose reads it (YAML merge keys resolved). */
export function readCompose(): ComposeFile {
  return parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as ComposeFile;
}

export interface Dockerfile {
  /** Every stage's base image, in order. */
  froms: string[];
  /** Of the last stage (the image that runs): */
  user: string | undefined;
  env: Record<string, string>;
  volumes: string[];
  entrypoint: string[];
  healthcheck: string[];
}

/**
 * The few instructions of deploy/Dockerfile the tests check. Written here because no Dockerfile
 * parser is a dependency and these need only line continuations, exec-form JSON and ENV k=v.
 */
export function dockerfile(): Dockerfile {
  const text = readFileSync(join(ROOT, 'deploy/Dockerfile'), 'utf8');
  const lines = text
    .split('\n')
    .filter((l) => !l.trimStart().startsWith('#'))
    .join('\n')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  const out: Dockerfile = {
    froms: [],
    user: undefined,
    env: {},
    volumes: [],
    entrypoint: [],
    healthcheck: [],
  };
  for (const line of lines) {
    const [, instruction = '', rest = ''] = /^(\w+)\s+(.*)$/.exec(line) ?? [];
    switch (instruction.toUpperCase()) {
      case 'FROM':
        out.froms.push(rest.split(/\s+/)[0] ?? '');
        Object.assign(out, { user: undefined, env: {}, volumes: [], entrypoint: [], healthcheck: [] });
        break;
      case 'USER':
        out.user = rest;
        break;
      case 'ENV':
        for (const [, k = '', v = ''] of rest.matchAll(/(\w+)=(\S+)/g)) out.env[k] = v;
        break;
      case 'VOLUME':
        out.volumes.push(...(JSON.parse(rest) as string[]));
        break;
      case 'ENTRYPOINT':
        out.entrypoint = JSON.parse(rest) as string[];
        break;
      case 'HEALTHCHECK':
        out.healthcheck = JSON.parse(rest.slice(rest.indexOf('CMD ') + 4)) as string[];
        break;
    }
  }
  return out;
}

/** How to run compose here: Debian's docker-compose, else the docker compose plugin, else none. */
export function composeCommand(): string[] | undefined {
  for (const command of [['docker-compose'], ['docker', 'compose']]) {
    const probe = spawnSync(command[0] as string, [...command.slice(1), 'version'], { encoding: 'utf8' });
    if (probe.status === 0) return command;
  }
  return undefined;
}
