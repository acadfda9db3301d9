import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  initNetwork,
  loadNodeConfig,
  type NetworkDefinition,
  parseNetworkDefinition,
  readNetworkDefinition,
} from '../../../services/config/index.js';

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
      for (const file of ['node.key', 'jwt.key']) {
        const path = join(dir, 'net', org.id, file);
        expect(statSync(path).mode & 0o777).toBe(0o600);
        const secret = readFileSync(path, 'utf8').trim();
        const needle = file === 'node.key' ? secret : (JSON.parse(secret) as { d: string }).d;
        expect(genesisText).not.toContain(needle);
      }
    }
    const genesis = JSON.parse(genesisText);
    expect(genesis.members).toHaveLength(4);
    expect(genesis.members[0]).toMatchObject({
      id: 'greenfield-farms',
      peerId: expect.stringMatching(/^12D3KooW/),
    });
  });

  it('loads a node config whose key matches genesis, and refuses an init over an existing network', async () => {
    const config = loadNodeConfig(join(dir, 'net', 'valley-packers', 'node.json'));
    expect(config.org).toBe('valley-packers');
    expect(config.dataDir).toBe(join(dir, 'net', 'valley-packers', 'data'));
    await expect(initNetwork(def, join(dir, 'net'), 1)).rejects.toThrow(/refusing to overwrite/);
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
