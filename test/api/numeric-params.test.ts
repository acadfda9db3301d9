import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApi } from '../../services/api/index.js';
import { openapiDocument } from '../../services/api/openapi-document.js';
import { queryBackend } from '../../services/query/index.js';
import { TestLedger } from '../support/ledger.js';
import { checkResponse } from './response-contract.js';
import { expectProblem, FakeNode, makeKeys, mint } from './support.js';

// Issue 19 defect 3: GET /alerts?perPage=1e309 reached SQLite as Infinity (a 500). Ajv coerces a
// query string to a number without checking it is finite, and then skips minimum/maximum for a
// non-finite number, so every numeric parameter of every operation is sent the same class of values.

type Json = Record<string, unknown>;
type Parameter = { name: string; in: string; schema?: Json; $ref?: string };

const doc = openapiDocument();
const resolve = (p: Parameter): Parameter =>
  p.$ref
    ? (p.$ref
        .replace(/^#\//, '')
        .split('/')
        .reduce<unknown>((n, k) => (n as Json)[k], doc) as Parameter)
    : p;
const isNumeric = (schema: Json | undefined) => {
  const type = schema?.type;
  const types = Array.isArray(type) ? type : [type];
  return types.includes('integer') || types.includes('number');
};

/** Every GET operation's numeric query and path parameters, as [path, parameter]. */
function numericParameters(): Array<{ path: string; param: Parameter }> {
  const out: Array<{ path: string; param: Parameter }> = [];
  for (const [path, item] of Object.entries(doc.paths as Record<string, Json>)) {
    const shared = ((item.parameters as Parameter[] | undefined) ?? []).map(resolve);
    const get = item.get as { parameters?: Parameter[] } | undefined;
    if (!get) continue;
    for (const param of [...shared, ...(get.parameters ?? []).map(resolve)]) {
      if ((param.in === 'query' || param.in === 'path') && isNumeric(param.schema)) out.push({ path, param });
    }
  }
  return out;
}

const OUT_OF_RANGE = ['1e309', '-1e309', '1e400', 'Infinity', '-Infinity', 'NaN', '9007199254740993', '1e20'];

/** Path values that name something that exists, so the query parameter under test is what is judged. */
const SAMPLE_PATH_VALUES: Record<string, string> = { eventType: 'ObjectEvent' };

describe('numeric parameters', () => {
  const cases = numericParameters();
  let ledger: TestLedger;
  let app: ReturnType<typeof buildApi>;
  let token: string;
  beforeAll(async () => {
    // A real event index, with a named query '1' for the paths that name one.
    ledger = new TestLedger();
    ledger.store.index.namedQueries.add({ name: '1', params: {}, createdBy: 'erp', createdAt: 0 });
    const { keys, issuers } = await makeKeys();
    const node = new FakeNode(issuers);
    node.query = queryBackend(ledger.store.index);
    app = buildApi(node.deps());
    token = await mint(keys, { roles: ['events:read', 'events:write', 'admin'] });
  });
  afterAll(() => ledger.destroy());

  it('the document has numeric parameters to test', () => {
    expect(cases.map((c) => `${c.path} ${c.param.name}`)).toEqual(
      expect.arrayContaining(['/alerts perPage', '/alerts after', '/blocks/{height} height']),
    );
  });

  it.each(cases.flatMap((c) => OUT_OF_RANGE.map((value) => ({ ...c, value }))))(
    '$path $param.name=$value -> 400 problem',
    async ({ path, param, value }) => {
      let url = path.replace(/\{([^}]+)\}/g, (_, name: string) =>
        name === param.name ? value : (SAMPLE_PATH_VALUES[name] ?? '1'),
      );
      if (param.in === 'query') url += `?${param.name}=${encodeURIComponent(value)}`;
      const res = await app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
      checkResponse('GET', url, res);
      expectProblem(res, 400, param.in === 'query' ? 'QUERY_PARAMETER_INVALID' : 'VALIDATION_FAILED');
    },
  );
});
