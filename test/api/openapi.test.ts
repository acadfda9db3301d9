import { readFileSync } from 'node:fs';
import openapiTS, { astToString } from 'openapi-typescript';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ERROR_BEHAVIOURS } from '../../services/api/routes/capture.js';
import { ErrorCode } from '../../services/common/errors.js';
import { type Harness, harness } from './support.js';

const YAML_URL = new URL('../../api/openapi.yaml', import.meta.url);
const GENERATED_URL = new URL('../../api/openapi.generated.ts', import.meta.url);

interface Operation {
  operationId: string;
  security?: unknown[];
  responses: Record<string, unknown>;
}
type Doc = {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, { enum?: string[] }> };
};

const doc = parse(readFileSync(YAML_URL, 'utf8')) as Doc;
const operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
  Object.entries(methods).map(([method, op]) => ({ path, method: method.toUpperCase(), op })),
);

describe('api/openapi.yaml', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness();
  });

  it('is OpenAPI 3.1 with an operationId on every operation', () => {
    expect(doc.openapi).toMatch(/^3\.1\./);
    expect(new Set(operations.map((o) => o.op.operationId)).size).toBe(operations.length);
  });

  it('describes exactly the routes the API serves', async () => {
    await h.app.ready();
    for (const { path, method } of operations) {
      expect(h.app.hasRoute({ method, url: path.replace(/\{(\w+)\}/g, ':$1') }), `${method} ${path}`).toBe(
        true,
      );
    }

    expect(operations).toHaveLength(62);
  });

  it('requires a token exactly where the API does', async () => {
    for (const { path, method, op } of operations) {
      const res = await h.call({ method: method as 'GET', url: path.replace(/\{\w+\}/g, 'x') });
      const secured = op.security === undefined; // inherits the document-wide bearerAuth
      expect(res.statusCode === 401, `${method} ${path}`).toBe(secured);
      expect(Object.keys(op.responses).includes('401')).toBe(secured);
    }
  });

  it('lists the error codes and capture error behaviours the code uses', () => {
    expect(doc.components.schemas.ErrorCode?.enum).toEqual(Object.values(ErrorCode));
    expect(doc.components.schemas.CaptureErrorBehaviour?.enum).toEqual(ERROR_BEHAVIOURS);
  });

  it('checks every response the API tests get against the document (test/api/response-contract.ts)', async () => {
    // A node answering a status without its required fields is caught, whatever the test asserts.
    h.node.statuses.set('urn:x:broken', { eventID: 'urn:x:broken' } as never);
    const token = await h.token();
    await expect(h.call({ method: 'GET', url: '/events/urn%3Ax%3Abroken/status', token })).rejects.toThrow(
      /does not match api\/openapi.yaml: data must have required property 'status'/,
    );
  });

  it('matches the committed api/openapi.generated.ts (run `npm run api:types`)', async () => {
    const generated = astToString(await openapiTS(YAML_URL, { silent: true }));
    expect(generated).toContain('CaptureJob: {');
    expect(readFileSync(GENERATED_URL, 'utf8')).toContain(generated);
  });
});
