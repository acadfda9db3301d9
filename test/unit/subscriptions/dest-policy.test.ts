import { describe, expect, it } from 'vitest';
import { statusOf } from '../../../services/api/index.js';
import { ErrorCode, WaybillError } from '../../../services/common/index.js';
import { DestPolicy } from '../../../services/subscriptions/index.js';

// Issue 19 defect 1: a subscription's dest could be any internal address. Names resolve through
// an injected resolver: no DNS in tests.

const PUBLIC = '93.184.215.14';
const names: Record<string, string[]> = {
  'erp.example.com': [PUBLIC],
  'internal.example.com': ['10.1.2.3'],
  'mixed.example.com': [PUBLIC, '192.168.1.5'],
  'v6.example.com': ['2606:2800:21f:cb07:6820:80da:af6b:8b2c'],
  'v6-internal.example.com': ['fd12:3456::1'],
};
const resolve = async (host: string) => {
  const found = names[host];
  if (!found) throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
  return found;
};

async function refusal(policy: DestPolicy, dest: string): Promise<WaybillError | undefined> {
  try {
    await policy.addresses(new URL(dest));
    return undefined;
  } catch (err) {
    return err as WaybillError;
  }
}

const INTERNAL = [
  'http://127.0.0.1/hook',
  'http://127.1/hook',
  'http://2130706433/hook',
  'http://0x7f000001/hook',
  'http://0177.0.0.1/hook',
  'http://127.0.0.1.:8080/hook',
  'http://[::ffff:127.0.0.1]/hook',
  'http://[::ffff:7f00:1]/hook',
  'http://localhost/hook',
  'http://LOCALHOST./hook',
  'http://api.localhost/hook',
  'http://[::1]/hook',
  'http://[::]/hook',
  'http://0.0.0.0/hook',
  'http://0/hook',
  'http://10.0.0.1/hook',
  'http://10.255.255.255/hook',
  'http://172.16.0.1/hook',
  'http://172.31.255.254/hook',
  'http://192.168.0.1/hook',
  'http://[fd00::1]/hook',
  'http://[fc00::1]/hook',
  'http://[fe80::1]/hook',
  'http://169.254.169.254/latest/meta-data/',
  'http://[fd00:ec2::254]/latest/meta-data/',
  'http://100.100.100.200/latest/meta-data/',
  'http://metadata.google.internal/computeMetadata/v1/',
  'http://metadata/computeMetadata/v1/',
  'http://224.0.0.1/hook',
  'http://[ff02::1]/hook',
  'http://255.255.255.255/hook',
  'http://[64:ff9b::a00:1]/hook',
  'http://[2002:7f00:1::]/hook',
  'http://internal.example.com/hook',
  'http://mixed.example.com/hook',
  'https://v6-internal.example.com/hook',
];

describe('DestPolicy', () => {
  const policy = new DestPolicy({ resolve });

  it.each(INTERNAL)('refuses %s with DESTINATION_NOT_ALLOWED', async (dest) => {
    const err = await refusal(policy, dest);
    expect(err).toBeInstanceOf(WaybillError);
    expect(err?.code).toBe(ErrorCode.DestinationNotAllowed);
    expect(err && statusOf(err)).toBe(400);
  });

  it('lets public destinations through, with the addresses to connect to', async () => {
    expect(await policy.addresses(new URL('https://erp.example.com/hook'))).toEqual([PUBLIC]);
    expect(await policy.addresses(new URL(`http://${PUBLIC}:8443/x`))).toEqual([PUBLIC]);
    expect(await policy.addresses(new URL('https://v6.example.com/'))).toEqual(names['v6.example.com']);
  });

  it('refuses a name that does not resolve', async () => {
    expect((await refusal(policy, 'https://nowhere.example.com/'))?.message).toMatch(/does not resolve/);
  });

  it('allows exactly the ranges node.json allows', async () => {
    const allowing = new DestPolicy({ resolve, allow: ['10.0.0.0/8', 'fd12:3456::/32'] });
    expect(await allowing.addresses(new URL('http://10.0.0.1/'))).toEqual(['10.0.0.1']);
    expect(await allowing.addresses(new URL('http://internal.example.com/'))).toEqual(['10.1.2.3']);
    expect(await allowing.addresses(new URL('http://v6-internal.example.com/'))).toEqual(['fd12:3456::1']);
    expect(await refusal(allowing, 'http://127.0.0.1/')).toBeInstanceOf(WaybillError);
    expect(await refusal(allowing, 'http://192.168.0.1/')).toBeInstanceOf(WaybillError);
    // Names of this machine and of metadata services stay refused whatever is allowed.
    const all = new DestPolicy({ resolve, allow: ['0.0.0.0/0', '::/0'] });
    expect(await refusal(all, 'http://localhost:9000/')).toBeInstanceOf(WaybillError);
    expect(await refusal(all, 'http://metadata.google.internal/')).toBeInstanceOf(WaybillError);
  });

  it("refuses the node's own API even inside an allowed range", async () => {
    const self = new DestPolicy({ resolve, allow: ['127.0.0.0/8'], self: { host: '127.0.0.1', port: 8080 } });
    expect((await refusal(self, 'http://127.0.0.1:8080/capture'))?.message).toMatch(/own API/);
    expect(await self.addresses(new URL('http://127.0.0.1:9090/hook'))).toEqual(['127.0.0.1']);
    const anyInterface = new DestPolicy({
      resolve,
      allow: ['127.0.0.0/8'],
      self: { host: '0.0.0.0', port: 8080 },
    });
    expect(await refusal(anyInterface, 'http://127.0.0.2:8080/')).toBeInstanceOf(WaybillError);
    const publicSelf = new DestPolicy({ resolve, self: { host: PUBLIC, port: 443 } });
    expect(await refusal(publicSelf, 'https://erp.example.com/')).toBeInstanceOf(WaybillError);
  });

  it('refuses a range list that is not CIDR', () => {
    expect(() => new DestPolicy({ allow: ['10.0.0.0'] })).toThrow(/not a CIDR/);
  });
});
