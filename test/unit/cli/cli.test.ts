import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import { afterAll, describe, expect, it } from 'vitest';
import { toHex } from '../../../services/common/index.js';
import { loadNodeConfig } from '../../../services/config/index.js';
import { publicKeyOf, verify } from '../../../services/crypto/index.js';
import { type MemberFile, memberFileProblem } from '../../../services/ledger/index.js';
import { waybill } from '../../support/cluster.js';

const dir = mkdtempSync(join(tmpdir(), 'waybill-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('waybill CLI', () => {
  it('prints its commands with --help', async () => {
    const out = await waybill('--help');
    for (const cmd of ['network init', 'node start', 'token', 'devnet'])
      expect(out).toContain(`waybill ${cmd}`);
  });

  it('initialises a network and issues tokens for an org', async () => {
    const out = await waybill(
      'network',
      'init',
      '--config',
      'deploy/devnet.network.yaml',
      '--out',
      join(dir, 'net'),
    );
    expect(out).toContain('4 members');
    const token = (
      await waybill(
        'token',
        '--config',
        join(dir, 'net', 'freshmart', 'node.json'),
        '--sub',
        'pos',
        '--role',
        'events:read,admin',
      )
    ).trim();
    expect(decodeJwt(token)).toMatchObject({
      iss: 'freshmart',
      aud: 'waybill-devnet',
      sub: 'pos',
      roles: ['events:read', 'admin'],
    });
  });

  it('explains a wrong role or a missing flag and exits non-zero', async () => {
    const config = join(dir, 'net', 'freshmart', 'node.json');
    await expect(
      waybill('token', '--config', config, '--sub', 'x', '--role', 'superuser'),
    ).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining("unknown role 'superuser'"),
    });
    await expect(waybill('token', '--config', config)).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('--sub is required'),
    });
    await expect(waybill('frobnicate')).rejects.toMatchObject({ code: 2 });
  });

  it('checks the custody rules: the shipped set is valid, a broken one names file and line', async () => {
    expect(await waybill('contracts', 'check')).toContain('rule set is valid');
    const bad = join(dir, 'rules');
    mkdirSync(bad);
    const rule = [
      'rules:',
      '  - id: broken',
      '    description: d',
      '    when: { type: ObjectEvent }',
      '    require:',
    ];
    writeFileSync(
      join(bad, 'bad.yaml'),
      [...rule, '      - check: "event.type =="', '        code: X', '        message: m', ''].join('\n'),
    );
    await expect(waybill('contracts', 'check', bad)).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/bad\.yaml:6: /),
    });
  });

  it('refuses a rule that reads a sealed field, naming its file and line (docs/privacy.md)', async () => {
    const sealed = join(dir, 'sealed-rules');
    mkdirSync(sealed);
    const text = [
      'rules:',
      '  - id: ok',
      '    description: d',
      '    when: { type: ObjectEvent }',
      '    require:',
      '      - check: "event.bizStep != \'event.bizTransactionList\'"',
      '        code: X',
      '        message: m',
      '  - id: reads-po',
      '    description: d',
      '    when: { if: has(event.bizTransactionList) }',
      '    require:',
      '      - check: event.bizTransactionList.size() > 0',
      '        code: X',
      '        message: m',
      '',
    ].join('\n');
    writeFileSync(join(sealed, 'po.yaml'), text);
    const failure = waybill('contracts', 'check', sealed);
    await expect(failure).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/po\.yaml:9: rule reads-po reads event\.bizTransactionList/),
    });
    await expect(failure).rejects.toMatchObject({ stderr: expect.not.stringContaining('rule ok') });
  });

  it("rotates a member's keys beside the old ones and writes the member file to propose as an update", async () => {
    await waybill('network', 'init', '--config', 'deploy/devnet.network.yaml', '--out', join(dir, 'rot'));
    const orgDir = join(dir, 'rot', 'freshmart');
    const config = join(orgDir, 'node.json');
    await expect(waybill('member', 'rotate', '--config', config)).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('--node-key, --enc-key or both'),
    });
    const oldNodeKey = readFileSync(join(orgDir, 'node.key'), 'utf8');
    const out = await waybill('member', 'rotate', '--config', config, '--node-key', '--enc-key');
    expect(out).toContain('freshmart#2');
    for (const file of ['enc-2.key', 'node.next.key'])
      expect(statSync(join(orgDir, file)).mode & 0o777).toBe(0o600);
    const next = JSON.parse(readFileSync(join(orgDir, 'member.next.json'), 'utf8')) as MemberFile;
    expect(memberFileProblem(next, verify)).toBeUndefined();
    const seed = Buffer.from(readFileSync(join(orgDir, 'node.next.key'), 'utf8').trim(), 'hex');
    expect(next.publicKey).toBe(toHex(publicKeyOf(seed)));
    const enc = JSON.parse(readFileSync(join(orgDir, 'enc-2.key'), 'utf8')) as {
      kid: string;
      x: string;
      d: string;
    };
    expect(next.encryptionKeys).toEqual([
      { kid: 'freshmart#2', kty: 'OKP', crv: 'X25519', x: enc.x, from: 0 },
    ]);
    expect(JSON.stringify(next)).not.toContain(enc.d);
    // Nothing in use changed: the node still starts with its old node key, and holds both encryption keys.
    expect(readFileSync(join(orgDir, 'node.key'), 'utf8')).toBe(oldNodeKey);
    const before = loadNodeConfig(config);
    expect(before.self.publicKey).not.toBe(next.publicKey);
    expect(before.encryptionKeys.map((k) => k.kid)).toEqual(['freshmart#1', 'freshmart#2']);
    // A second node key rotation waits for the first; another encryption key takes the next number.
    await expect(waybill('member', 'rotate', '--config', config, '--node-key')).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('node key rotation is pending'),
    });
    await waybill('member', 'rotate', '--config', config, '--enc-key', '--out', join(orgDir, 'other.json'));
    expect(existsSync(join(orgDir, 'enc-3.key'))).toBe(true);
    rmSync(join(orgDir, 'enc-3.key'));
    // Once the update is in force the operator swaps the node key in and names the member file.
    renameSync(join(orgDir, 'node.next.key'), join(orgDir, 'node.key'));
    const file = JSON.parse(readFileSync(config, 'utf8')) as Record<string, unknown>;
    writeFileSync(config, JSON.stringify({ ...file, memberFile: 'member.next.json' }));
    const after = loadNodeConfig(config);
    expect(after.self.publicKey).toBe(next.publicKey);
    expect(after.encryptionKeys.map((k) => k.kid)).toEqual(['freshmart#1', 'freshmart#2']);
  });

  it('explains a devnet directory made by an earlier Waybill and how to start afresh', async () => {
    const old = join(dir, 'old-devnet');
    mkdirSync(old);
    // Genesis before rule sets travelled in it: no `rules`.
    writeFileSync(join(old, 'genesis.json'), JSON.stringify({ network: 'x', members: [], consensus: {} }));
    await expect(waybill('devnet', '--dir', old)).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining(`has no custody rules`),
    });
    await expect(waybill('devnet', '--dir', old)).rejects.toMatchObject({
      stderr: expect.stringContaining(`remove ${old} and run npm run devnet again`),
    });
  });
});
