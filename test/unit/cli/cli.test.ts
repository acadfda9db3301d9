import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import { afterAll, describe, expect, it } from 'vitest';
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
