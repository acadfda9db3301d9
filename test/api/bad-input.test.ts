import { beforeAll, describe, expect, it } from 'vitest';
import { buildApi } from '../../services/api/index.js';
import { BAD_INPUT_CASES, TEN_MB, tokenOf } from './bad-input-cases.js';
import { expectProblem, FakeNode, makeKeys } from './support.js';

describe('the bad-input catalogue, in process against buildApi', () => {
  const node = {
    app: undefined as unknown as ReturnType<typeof buildApi>,
    keys: {} as Awaited<ReturnType<typeof makeKeys>>['keys'],
  };
  beforeAll(async () => {
    const { keys, issuers } = await makeKeys();
    const fake = new FakeNode(issuers);
    fake.bodyLimit = TEN_MB; // the node's default
    node.app = buildApi(fake.deps());
    node.keys = keys;
  });

  it.each(BAD_INPUT_CASES)('$name -> $status $code', async (c) => {
    const authorization =
      c.authorization ?? (c.token ? `Bearer ${await tokenOf(node.keys, c.token)}` : undefined);
    const res = await node.app.inject({
      method: c.method,
      url: c.url,
      headers: {
        ...(authorization ? { authorization } : {}),
        ...(c.contentType ? { 'content-type': c.contentType } : {}),
      },
      ...(c.body !== undefined ? { payload: c.body } : {}),
    });
    expectProblem(res, c.status, c.code);
  });

  it('still serves afterwards', async () => {
    const res = await node.app.inject({ url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });
});
