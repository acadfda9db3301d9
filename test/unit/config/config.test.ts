import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  initMember,
  initNetwork,
  loadNodeConfig,
  type NetworkDefinition,
  parseNetworkDefinition,
  readGenesis,
  readNetworkDefinition,
} from '../../../services/config/index.js';
import { verify } from '../../../services/crypto/index.js';
import { type MemberFile, memberFileProblem } from '../../../services/ledger/index.js';
import { SecretBox } from '../../../services/subscriptions/index.js';

const def = readNetworkDefinition(join(import.meta.dirname, '../../../deploy/devnet.network.yaml'));

describe('network definition', () => {
  it('reads the devnet: four organisations with party and location ids', () => {
    expect(def.network).toBe('waybill-devnet');
    expect(def.orgs.map((o) => o.id)).toEqual([
      'greenfield-farms',
      'valley-packers',
      'swift-logistics',
      'freshmart',
    ]);
  });

  it('names the file and the field of every mistake', () => {
    expect(() => parseNetworkDefinition('network: [', 'net.yaml')).toThrow(/net.yaml: not valid YAML/);
    expect(() => parseNetworkDefinition('network: x\norgs: [{id: A}]', 'net.yaml')).toThrow(/\/orgs\/0/);
    const dup: NetworkDefinition = {
      network: 'x',
      orgs: [def.orgs[0], def.orgs[0]].filter((o) => o !== undefined),
    };
    expect(() => parseNetworkDefinition(JSON.stringify(dup), 'net.yaml')).toThrow(
      /duplicate id greenfield-farms/,
    );
  });

  it('reads auditor grants, refusing one for a non-member, a bad scope or a bad until', () => {
    const base = { network: 'x', orgs: def.orgs };
    const parse = (grants: unknown) =>
      parseNetworkDefinition(JSON.stringify({ ...base, grants }), 'net.yaml');
    const grant = {
      org: 'freshmart',
      role: 'auditor',
      scope: "step == 'shipping'",
      until: '2030-01-01T00:00:00Z',
    };
    expect(parse([grant]).grants).toEqual([grant]);
    expect(() => parse([{ ...grant, org: 'nobody' }])).toThrow(
      /net.yaml: grants\[0\]: org nobody is not a member/,
    );
    expect(() => parse([{ ...grant, role: 'owner' }])).toThrow(/\/grants\/0\/role/);
    expect(() => parse([{ ...grant, scope: 'step ==' }])).toThrow(/grants\[0\]: scope: CEL/);
    expect(() => parse([{ ...grant, until: 'soon' }])).toThrow(/grants\[0\]: until soon/);
  });
});

describe('network init and node config', () => {
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'waybill-init-'));
    await initNetwork(def, join(dir, 'net'), 1_700_000_000_000);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes private keys with mode 0600 and keeps them out of genesis', () => {
    const genesisText = readFileSync(join(dir, 'net', 'genesis.json'), 'utf8');
    for (const org of def.orgs) {
      for (const file of ['node.key', 'jwt.key', 'subscriptions.key', 'enc.key']) {
        const path = join(dir, 'net', org.id, file);
        expect(statSync(path).mode & 0o777).toBe(0o600);
        const secret = readFileSync(path, 'utf8').trim();
        const needle =
          file.endsWith('.key') && secret.startsWith('{') ? (JSON.parse(secret) as { d: string }).d : secret;
        expect(genesisText).not.toContain(needle);
      }
    }
    const genesis = JSON.parse(genesisText);
    expect(genesis.members).toHaveLength(4);
    expect(genesis).not.toHaveProperty('grants');
    expect(genesis.members[0]).toMatchObject({
      id: 'greenfield-farms',
      peerId: expect.stringMatching(/^12D3KooW/),
      encryptionKeys: [
        {
          kid: 'greenfield-farms#1',
          kty: 'OKP',
          crv: 'X25519',
          x: expect.stringMatching(/^[\w-]{43}$/),
          from: 0,
        },
      ],
    });
    expect(genesis.privacy).toBe('sealed');
  });

  it('loads the encryption key genesis lists, refusing a readable, foreign or broken enc.key', () => {
    const orgDir = join(dir, 'net', 'valley-packers');
    const keyPath = join(orgDir, 'enc.key');
    const nodeJson = join(orgDir, 'node.json');
    const config = loadNodeConfig(nodeJson);
    expect(config.encryptionKeys.map((k) => k.kid)).toEqual(['valley-packers#1']);
    const original = readFileSync(keyPath, 'utf8');
    const foreign = readFileSync(join(dir, 'net', 'greenfield-farms', 'enc.key'), 'utf8');
    try {
      chmodSync(keyPath, 0o644);
      expect(() => loadNodeConfig(nodeJson)).toThrow(/chmod 600/);
      chmodSync(keyPath, 0o600);
      writeFileSync(keyPath, foreign);
      expect(() => loadNodeConfig(nodeJson)).toThrow(/not one genesis lists for valley-packers/);
      writeFileSync(keyPath, '{"kty":"OKP","crv":"Ed25519"}');
      expect(() => loadNodeConfig(nodeJson)).toThrow(/not an X25519 JWK/);
    } finally {
      chmodSync(keyPath, 0o600);
      writeFileSync(keyPath, original);
    }
  });

  it('makes an open network when the network file says privacy: open', async () => {
    await initNetwork({ ...def, privacy: 'open' }, join(dir, 'open'), 1_700_000_000_000);
    expect(JSON.parse(readFileSync(join(dir, 'open', 'genesis.json'), 'utf8')).privacy).toBe('open');
    expect(() => parseNetworkDefinition(JSON.stringify({ ...def, privacy: 'secret' }), 'n.yaml')).toThrow(
      /privacy/,
    );
  });

  it('loads a node config whose key matches genesis, and refuses an init over an existing network', async () => {
    const config = loadNodeConfig(join(dir, 'net', 'valley-packers', 'node.json'));
    expect(config.org).toBe('valley-packers');
    expect(config.dataDir).toBe(join(dir, 'net', 'valley-packers', 'data'));
    await expect(initNetwork(def, join(dir, 'net'), 1)).rejects.toThrow(/refusing to overwrite/);
  });

  it('reads subscriptions.allowedDestinations, refusing anything but CIDR ranges', () => {
    const path = join(dir, 'net', 'swift-logistics', 'node.json');
    const file = JSON.parse(readFileSync(path, 'utf8'));
    expect(loadNodeConfig(path).subscriptions).toEqual({
      allowedDestinations: [],
      secretKeyPath: join(dir, 'net', 'swift-logistics', 'subscriptions.key'),
    });
    try {
      writeFileSync(
        path,
        JSON.stringify({ ...file, subscriptions: { allowedDestinations: ['10.0.0.0/8', '::1/128'] } }),
      );
      expect(loadNodeConfig(path).subscriptions.allowedDestinations).toEqual(['10.0.0.0/8', '::1/128']);
      for (const bad of [['10.0.0.1'], ['localhost'], '10.0.0.0/8', [42]]) {
        writeFileSync(path, JSON.stringify({ ...file, subscriptions: { allowedDestinations: bad } }));
        expect(() => loadNodeConfig(path), JSON.stringify(bad)).toThrow(/subscriptions.allowedDestinations/);
      }
    } finally {
      writeFileSync(path, JSON.stringify(file));
    }
  });

  it('reads gs1.companyPrefixes, refusing anything but 6 to 12 digit prefixes', () => {
    const path = join(dir, 'net', 'swift-logistics', 'node.json');
    const file = JSON.parse(readFileSync(path, 'utf8'));
    expect(loadNodeConfig(path).gs1).toEqual({ companyPrefixes: [] });
    try {
      writeFileSync(path, JSON.stringify({ ...file, gs1: { companyPrefixes: ['0614141', '401234512345'] } }));
      expect(loadNodeConfig(path).gs1.companyPrefixes).toEqual(['0614141', '401234512345']);
      for (const bad of [['12345'], ['4012345123456'], ['06141A1'], '0614141', [614141]]) {
        writeFileSync(path, JSON.stringify({ ...file, gs1: { companyPrefixes: bad } }));
        expect(() => loadNodeConfig(path), JSON.stringify(bad)).toThrow(/gs1.companyPrefixes/);
      }
    } finally {
      writeFileSync(path, JSON.stringify(file));
    }
  });

  it('reads api.rateLimit with defaults for what is absent, refusing what is not a rate', () => {
    const path = join(dir, 'net', 'swift-logistics', 'node.json');
    const file = JSON.parse(readFileSync(path, 'utf8'));
    expect(loadNodeConfig(path).api.rateLimit).toEqual({ perSecond: 2_000, burst: 4_000 });
    try {
      writeFileSync(path, JSON.stringify({ ...file, api: { ...file.api, rateLimit: { perSecond: 50 } } }));
      expect(loadNodeConfig(path).api.rateLimit).toEqual({ perSecond: 50, burst: 4_000 });
      for (const bad of [10, { perSecond: 0 }, { burst: 1.5 }, { perSecond: 'fast' }, { rps: 1 }]) {
        writeFileSync(path, JSON.stringify({ ...file, api: { ...file.api, rateLimit: bad } }));
        expect(() => loadNodeConfig(path), JSON.stringify(bad)).toThrow(/api\.rateLimit/);
      }
    } finally {
      writeFileSync(path, JSON.stringify(file));
    }
  });

  it('creates the subscription secret key (0600) when a node starts without one', () => {
    const path = join(dir, 'own.key');
    const box = SecretBox.fromKeyFile(path);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const sealed = box.seal('token', 'sub-1');
    expect(SecretBox.fromKeyFile(path).open(sealed, 'sub-1')).toBe('token');
  });

  it('refuses to start with a key file others can read, saying how to fix it', () => {
    const key = join(dir, 'net', 'freshmart', 'node.key');
    chmodSync(key, 0o644);
    try {
      expect(() => loadNodeConfig(join(dir, 'net', 'freshmart', 'node.json'))).toThrow(/chmod 600/);
    } finally {
      chmodSync(key, 0o600);
    }
  });
});

describe('network init with auditor grants', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'waybill-grants-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the grants into genesis, and a node refuses a genesis with an unusable grant', async () => {
    const grants = [{ org: 'freshmart', role: 'auditor' as const, scope: "step == 'shipping'" }];
    await initNetwork({ ...def, grants }, join(dir, 'net'), 1_700_000_000_000);
    const genesisPath = join(dir, 'net', 'genesis.json');
    const genesis = JSON.parse(readFileSync(genesisPath, 'utf8'));
    expect(genesis.grants).toEqual(grants);
    const nodePath = join(dir, 'net', 'freshmart', 'node.json');
    expect(loadNodeConfig(nodePath).genesis.grants).toEqual(grants);
    writeFileSync(
      genesisPath,
      JSON.stringify({ ...genesis, grants: [{ org: 'freshmart', role: 'auditor', scope: '1' }] }),
    );
    expect(() => loadNodeConfig(nodePath)).toThrow(/grants\[0\]: scope: CEL expression must be bool/);
  });
});

describe('member init', () => {
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'waybill-member-'));
    await initNetwork(def, join(dir, 'net'), 1_700_000_000_000);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes member.json with the encryption key an added member receives sealed events with, its private half 0600 beside node.key', async () => {
    const genesisPath = join(dir, 'net', 'genesis.json');
    const org = {
      ...(def.orgs[0] as NetworkDefinition['orgs'][number]),
      id: 'north-dairy',
      name: 'North Dairy',
      role: 'validator' as const,
    };
    const out = join(dir, 'joining');
    const { memberFile, nodeConfig } = await initMember(genesisPath, readGenesis(genesisPath), org, out);
    const member = JSON.parse(readFileSync(memberFile, 'utf8')) as MemberFile;
    expect(memberFileProblem(member, verify)).toBeUndefined();
    expect(member.encryptionKeys).toEqual([
      { kid: 'north-dairy#1', kty: 'OKP', crv: 'X25519', x: expect.stringMatching(/^[\w-]{43}$/), from: 0 },
    ]);
    const encKey = join(out, 'north-dairy', 'enc.key');
    expect(statSync(encKey).mode & 0o777).toBe(0o600);
    const privateJwk = JSON.parse(readFileSync(encKey, 'utf8')) as { d: string; x: string };
    expect(readFileSync(memberFile, 'utf8')).not.toContain(privateJwk.d);
    // The node loads the private half the member file lists.
    const loaded = loadNodeConfig(nodeConfig);
    expect(loaded.encryptionKeys.map((k) => k.kid)).toEqual(['north-dairy#1']);
    expect(loaded.self.encryptionKeys?.[0]?.x).toBe(privateJwk.x);
  });
});
