import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApi } from '../../services/api/index.js';
import { verifyProof } from '../../services/verify/index.js';
import { GENESIS_KEYS, type ProofLedger, proofLedger } from '../support/proofs.js';
import { expectProblem, FakeNode, type Keys, makeKeys, mint } from './support.js';

// The two proof routes over a real committed ledger: what travels over HTTP must still verify.

describe('GET /events/{eventID}/proof and GET /blocks/{height}', () => {
  let ledger: ProofLedger;
  let app: FastifyInstance;
  let keys: Keys;
  let token: string;

  beforeAll(async () => {
    ledger = proofLedger();
    const made = await makeKeys();
    keys = made.keys;
    app = buildApi({ ...new FakeNode(made.issuers).deps(), proofs: ledger.proofs });
    token = await mint(keys, { roles: ['events:read'] });
  });
  afterAll(() => ledger.close());

  const get = (url: string, bearer: string | undefined = token) =>
    app.inject({ method: 'GET', url, headers: bearer ? { authorization: `Bearer ${bearer}` } : {} });

  it('serves a proof of an accepted event that verifies against the genesis keys', async () => {
    for (const eventID of ['urn:uuid:a1', 'urn:uuid:e1', 'urn:uuid:g1']) {
      const res = await get(`/events/${encodeURIComponent(eventID)}/proof`);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      const proof = res.json() as { format: string; kind: string; event: { eventID: string } };
      expect(proof).toMatchObject({ format: 'waybill-proof/v1', kind: 'event', event: { eventID } });
      expect(verifyProof(proof, GENESIS_KEYS)).toMatchObject({ ok: true });
    }
  });

  it('answers 404 for unknown events and 503 with Retry-After while a verdict awaits its certifying block', async () => {
    const unknown = 'urn:uuid:never-captured';
    const body = expectProblem(await get(`/events/${encodeURIComponent(unknown)}/proof`), 404, 'NOT_FOUND');
    // The detail echoes nothing: an event the caller may not see gets exactly this body.
    expect(body.detail).toBe('no committed event or verdict with this eventID');
    const waiting = await get(`/events/${encodeURIComponent('urn:uuid:f1')}/proof`);
    expectProblem(waiting, 503, 'NOT_READY');
    expect(waiting.headers['retry-after']).toBe('1');
  });

  it('serves the block a proof is anchored in, for cross-checking', async () => {
    const proof = (await get(`/events/${encodeURIComponent('urn:uuid:c1')}/proof`)).json() as {
      block: Record<string, unknown>;
      tx: { id: string };
    };
    const res = await get('/blocks/1');
    expect(res.statusCode, res.body).toBe(200);
    const block = res.json() as Record<string, unknown> & { txIds: string[] };
    expect({ hash: block.hash, header: block.header, certificate: block.certificate }).toEqual(proof.block);
    expect(block.txIds).toHaveLength(5);
    expect(block.txIds).toContain(proof.tx.id);
  });

  it('answers 404 for a height not committed and 400 for one that is not a positive integer', async () => {
    expectProblem(await get('/blocks/3'), 404, 'NOT_FOUND');
    for (const height of ['0', '-1', 'one', '1.5']) {
      const body = expectProblem(await get(`/blocks/${height}`), 400, 'VALIDATION_FAILED');
      expect(body.errors).toEqual([expect.objectContaining({ field: 'params.height' })]);
    }
  });

  it('needs a token with a read role', async () => {
    expectProblem(await get('/blocks/1', ''), 401, 'UNAUTHORIZED');
    expectProblem(await get(`/events/${encodeURIComponent('urn:uuid:a1')}/proof`, ''), 401, 'UNAUTHORIZED');
    const noRole = await mint(keys, { roles: [] });
    expectProblem(await get('/blocks/1', noRole), 403, 'FORBIDDEN');
  });
});
