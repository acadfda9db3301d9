import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { type AuditorGrant, compileGrants, GrantError } from '../privacy/index.js';
import { ConfigError, ConfigErrorCode } from './errors.js';
import type { ConsensusParams } from './genesis.js';

/** One organisation in the network definition file (deploy/*.network.yaml). */
export interface OrgDefinition {
  id: string;
  name: string;
  parties: string[];
  locations: string[];
  host: string;
  apiPort: number;
  p2pPort: number;
  /** validator (votes; the default) or observer (captures, reads and serves proofs, never votes). */
  role?: 'validator' | 'observer';
}

export interface NetworkDefinition {
  network: string;
  orgs: OrgDefinition[];
  consensus?: Partial<ConsensusParams>;
  /** Directory of the genesis custody rules (contracts/*.yaml), relative to the network file. */
  contracts?: string;
  /** `open` keeps every event in plaintext on every node; default sealed (docs/privacy.md). */
  privacy?: 'sealed' | 'open';
  /** Auditor grants in force from genesis (until governance grants them): written into genesis. */
  grants?: AuditorGrant[];
}

const slug = { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,62}$' };
const port = { type: 'integer', minimum: 1, maximum: 65535 };
const uriList = { type: 'array', items: { type: 'string', pattern: '^[a-z][a-z0-9+.-]*:\\S+$' } };

const schema = {
  type: 'object',
  required: ['network', 'orgs'],
  additionalProperties: false,
  properties: {
    network: slug,
    orgs: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['id', 'name', 'parties', 'locations', 'host', 'apiPort', 'p2pPort'],
        additionalProperties: false,
        properties: {
          id: slug,
          name: { type: 'string', minLength: 1 },
          parties: uriList,
          locations: uriList,
          host: { type: 'string', minLength: 1 },
          apiPort: port,
          p2pPort: port,
          role: { enum: ['validator', 'observer'] },
        },
      },
    },
    consensus: { type: 'object', additionalProperties: { type: 'integer', minimum: 1 } },
    contracts: { type: 'string', minLength: 1 },
    privacy: { enum: ['sealed', 'open'] },
    grants: {
      type: 'array',
      items: {
        type: 'object',
        required: ['org', 'role'],
        additionalProperties: false,
        properties: {
          org: slug,
          role: { const: 'auditor' },
          scope: { type: 'string', minLength: 1 },
          until: { type: 'string', minLength: 1 },
        },
      },
    },
  },
} as const;

/** One org of a network file plus its role: `waybill member init --config org.yaml`. */
export const orgSchema = schema.properties.orgs.items;

const validate = new Ajv({ allErrors: true }).compile<NetworkDefinition>(schema);

export function parseNetworkDefinition(text: string, source: string): NetworkDefinition {
  let data: unknown;
  try {
    data = parse(text);
  } catch (err) {
    throw new ConfigError(ConfigErrorCode.Invalid, `${source}: not valid YAML: ${(err as Error).message}`);
  }
  if (!validate(data)) {
    const detail = (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`).join('; ');
    throw new ConfigError(ConfigErrorCode.Invalid, `${source}: ${detail}`);
  }
  assertUnique(data, source);
  if (!data.orgs.some((o) => (o.role ?? 'validator') === 'validator')) {
    throw new ConfigError(ConfigErrorCode.Invalid, `${source}: at least one org must be a validator`);
  }
  checkGrants(
    data.grants ?? [],
    data.orgs.map((o) => o.id),
    source,
  );
  return data;
}

/** Grants name members, compile (scope) and parse (until); refused with the grant's index otherwise. */
export function checkGrants(
  grants: readonly AuditorGrant[],
  members: readonly string[],
  source: string,
): void {
  try {
    compileGrants(grants, new Set(members));
  } catch (err) {
    if (err instanceof GrantError)
      throw new ConfigError(ConfigErrorCode.Invalid, `${source}: ${err.message}`);
    throw err;
  }
}

function assertUnique(def: NetworkDefinition, source: string): void {
  const seen = new Set<string>();
  for (const org of def.orgs) {
    for (const key of [
      `id ${org.id}`,
      ...org.parties.map((p) => `party ${p}`),
      ...org.locations.map((l) => `location ${l}`),
    ]) {
      if (seen.has(key)) throw new ConfigError(ConfigErrorCode.Invalid, `${source}: duplicate ${key}`);
      seen.add(key);
    }
  }
}

const validateOrg = new Ajv({ allErrors: true }).compile<OrgDefinition>(orgSchema);

/** `org.yaml` of `waybill member init`: the fields of one org of a network file, plus `role`. */
export function readOrgDefinition(path: string): OrgDefinition {
  let data: unknown;
  try {
    data = parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new ConfigError(ConfigErrorCode.Invalid, `${path}: not readable YAML: ${(err as Error).message}`);
  }
  if (!validateOrg(data)) {
    const detail = (validateOrg.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`).join('; ');
    throw new ConfigError(ConfigErrorCode.Invalid, `${path}: ${detail}`);
  }
  return data;
}

export function readNetworkDefinition(path: string): NetworkDefinition {
  const def = parseNetworkDefinition(readFileSync(path, 'utf8'), path);
  return def.contracts === undefined ? def : { ...def, contracts: resolve(dirname(path), def.contracts) };
}
