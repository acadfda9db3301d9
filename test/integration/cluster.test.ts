import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateIssuerKey, issueToken } from '../../services/api/index.js';
import { createWaybillClient } from '../../services/client/index.js';
import { fromHex, toHex } from '../../services/common/index.js';
import { defaultContractsDir, p2pMultiaddr, readGenesis } from '../../services/config/index.js';
import { readRuleFiles } from '../../services/contracts/index.js';
import { createSigner, generateSeed } from '../../services/crypto/index.js';
import { type EpcisEvent, eventHash } from '../../services/epcis/index.js';
import { voteBytes } from '../../services/ledger/index.js';
import { createP2PNetwork, peerIdFromSeed } from '../../services/p2p/index.js';
import { type EventProof, type ProofBlock, verifyProof } from '../../services/verify/index.js';
import { Cluster, FAST_CONSENSUS, waybill } from '../support/cluster.js';
import { commissioningDocument, eventIdsOf } from '../support/documents.js';
import { rawRequest } from '../support/http.js';
import { freePorts } from '../support/ports.js';
import { waitFor } from '../support/wait.js';

// Four real node processes on loopback, as an operator runs them: `waybill network init`,
// `waybill token`, `waybill node start`. Fast timeouts keep view changes short. A member's token is
// accepted at every node and sees there what concerns its organisation (docs/privacy.md), so another
// organisation's events are read with a token of an organisation they concern (`as`).

type BlockSummary = ProofBlock & { txIds: string[] };

describe('four organisations order EPCIS captures through BFT consensus', () => {
  let cluster: Cluster;
  const captured: string[] = [];

  beforeAll(async () => {
    cluster = await Cluster.create(4, FAST_CONSENSUS);
    await cluster.startAll(240_000);
  }, 300_000);

  afterAll(async () => {
    await cluster?.destroy();
  });

  /** The token of `org`, to read at any node what concerns `org`. */
  const as = (org: string) => cluster.node(org).token;

  async function captureAndWait(org: string, doc: ReturnType<typeof commissioningDocument>) {
    const res = await cluster.capture(org, doc);
    expect(res.status).toBe(202);
    const location = res.headers.get('location') ?? '';
    expect(location).toMatch(/^\/capture\/[0-9a-f]{64}$/);
    const job = await waitFor(`capture job on ${org}`, async () => {
      const { body } = await cluster.json<{ running: boolean; success: boolean }>(org, location);
      return body.running === false ? body : undefined;
    });
    expect(job.success).toBe(true);
    captured.push(...eventIdsOf(doc).filter((id) => id !== undefined));
    return location;
  }

  it('commits documents posted to different nodes and every node answers for every event', async () => {
    const docs = cluster.nodes.map((n) => ({
      org: n.org,
      doc: commissioningDocument(3, `urn:epc:id:sgln:061414${n.index}.00001.0`),
    }));
    await Promise.all(docs.map(({ org, doc }) => captureAndWait(org, doc)));
    for (const { org, doc } of docs) {
      for (const id of eventIdsOf(doc)) {
        for (const n of cluster.nodes) {
          const { status, body } = await waitFor(`${id} on ${n.org}`, async () => {
            const r = await cluster.json(n.org, `/events/${encodeURIComponent(id)}`, as(org));
            return r.status === 200 ? r : undefined;
          });
          expect(status).toBe(200);
          // GS1: an EPCISQueryDocument holding the event.
          const [event] = (
            body as {
              epcisBody: { queryResults: { resultsBody: { eventList: Array<Record<string, unknown>> } } };
            }
          ).epcisBody.queryResults.resultsBody.eventList;
          expect(event?.eventID).toBe(id);
          expect(typeof event?.recordTime).toBe('string');
        }
      }
    }
  });

  it('says at GET /status what the consensus of each node is doing', async () => {
    for (const n of cluster.nodes) {
      const { status, body } = await cluster.json<{
        height: number;
        consensus: {
          height: number;
          phase: string;
          applyingMs: number | null;
          queued: number;
          syncing: boolean;
        };
      }>(n.org, '/status');
      expect(status).toBe(200);
      const { consensus } = body;
      // The height being decided is the one above the chain's; one more while a decided block applies.
      expect(consensus.height).toBe(body.height + (consensus.applyingMs === null ? 1 : 2));
      expect(['after_commit', 'awaiting_transactions', 'in_round']).toContain(consensus.phase);
      expect(consensus.syncing).toBe(false);
      if (consensus.applyingMs === null) expect(consensus.queued).toBe(0);
    }
  });

  it('applies the custody contracts identically on every node', async () => {
    const doc = commissioningDocument(1);
    await captureAndWait('greenfield-farms', doc);
    const epc = doc.epcisBody.eventList[0]?.epcList[0] as string;
    // valley-packers (index 1) tries to ship goods greenfield-farms holds: every node rejects it.
    const theft = commissioningDocument(1);
    Object.assign(theft.epcisBody.eventList[0] as object, {
      action: 'OBSERVE',
      bizStep: 'shipping',
      disposition: 'in_transit',
      epcList: [epc],
      destinationList: [{ type: 'possessing_party', destination: 'urn:epc:id:pgln:0614143.00001' }],
    });
    const res = await cluster.capture('valley-packers', theft);
    const location = res.headers.get('location') ?? '';
    const job = await waitFor('the rejected capture', async () => {
      const { body } = await cluster.json<{ running: boolean; errors: { code: string }[] }>(
        'valley-packers',
        location,
      );
      return body.running === false ? body : undefined;
    });
    expect(job.errors.map((e) => e.code)).toEqual(['CUSTODY_NOT_HELD']);
    const theftID = eventIdsOf(theft)[0] as string;
    for (const n of cluster.nodes) {
      const object = await waitFor(`object on ${n.org}`, async () => {
        const r = await cluster.json<Record<string, unknown>>(
          n.org,
          `/objects/${encodeURIComponent(epc)}`,
          as('greenfield-farms'),
        );
        return r.status === 200 ? r.body : undefined;
      });
      expect(object).toMatchObject({
        owner: 'greenfield-farms',
        custodian: 'greenfield-farms',
        status: 'active',
      });
      const status = await waitFor(`rejection on ${n.org}`, async () => {
        // A rejected event is its capturer's alone.
        const r = await cluster.json<Record<string, unknown>>(
          n.org,
          `/events/${encodeURIComponent(theftID)}/status`,
          as('valley-packers'),
        );
        return r.body.status === 'rejected' ? r.body : undefined;
      });
      expect(status.reason).toMatchObject({ code: 'CUSTODY_NOT_HELD' });
    }
    // A third node serves proofs of the rejection (to its capturer) and of the custody state (to the
    // owner), for an auditor to check offline.
    const genesis = JSON.parse(readFileSync(join(cluster.dir, 'net', 'genesis.json'), 'utf8'));
    const third = 'freshmart';
    const verdict = await waitFor('a certified verdict', async () => {
      const r = await cluster.json<Record<string, unknown>>(
        third,
        `/events/${encodeURIComponent(theftID)}/proof`,
        as('valley-packers'),
      );
      return r.status === 200 ? r.body : undefined;
    });
    expect(verdict).toMatchObject({ kind: 'verdict', verdict: { code: 'CUSTODY_NOT_HELD' } });
    expect(verifyProof(verdict, genesis).ok).toBe(true);
    const state = await waitFor('a certified custody state', async () => {
      const r = await cluster.json<{ proof?: unknown }>(
        third,
        `/objects/${encodeURIComponent(epc)}?proof=true`,
        as('greenfield-farms'),
      );
      return r.status === 200 ? r.body.proof : undefined;
    });
    expect(verifyProof(state, genesis).ok).toBe(true);
  });

  it('answers a dry run with the verdicts a capture would get, ordering nothing', async () => {
    const doc = commissioningDocument(1);
    await captureAndWait('greenfield-farms', doc);
    // The same object again, under another eventID (the node's event hash): custody says no.
    const events = doc.epcisBody.eventList.map(({ eventID: _, ...e }) => e);
    const again = { ...doc, epcisBody: { eventList: events } };
    const res = await cluster.capture('greenfield-farms', again, {}, '/capture?dryRun=true');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { dryRun: boolean; events: { eventID: string; status: string }[] };
    expect(body).toMatchObject({
      dryRun: true,
      events: [{ status: 'rejected', reason: { code: 'ALREADY_EXISTS' } }],
    });
    const eventID = body.events[0]?.eventID as string;
    await captureAndWait('greenfield-farms', commissioningDocument(1)); // a block later...
    const status = await cluster.json('greenfield-farms', `/events/${encodeURIComponent(eventID)}/status`);
    expect(status.status).toBe(404); // ...the dry run left no trace
  });

  it('activates a rule-set proposal once 2f+1 members approved it, on every node at the same height', async () => {
    const admin = async (org: string) =>
      (
        await waybill('token', '--config', cluster.node(org).configPath, '--sub', 'ops', '--role', 'admin')
      ).trim();
    const post = async (org: string, path: string, body?: unknown) =>
      fetch(`${cluster.node(org).url}${path}`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${await admin(org)}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    const files = [
      ...readRuleFiles(defaultContractsDir()),
      {
        name: 'zz-noop.yaml',
        text: 'rules:\n  - id: noop\n    description: Matches no event.\n    when:\n      type: NoSuchEvent\n',
      },
    ];
    const proposed = await post('greenfield-farms', '/governance/rules', { files });
    expect(proposed.status).toBe(202);
    const { hash } = (await proposed.json()) as { hash: string };
    await waitFor('the proposal to commit', async () => {
      const r = await cluster.json<{ ruleSets: { hash: string }[] }>('valley-packers', '/governance/rules');
      return r.body.ruleSets.some((v) => v.hash === hash) || undefined;
    });
    for (const org of ['valley-packers', 'swift-logistics']) {
      expect((await post(org, `/governance/rules/${hash}/approvals`)).status).toBe(202);
    }
    const activation = await waitFor('activation on every node', async () => {
      const views = await Promise.all(
        cluster.nodes.map((n) =>
          cluster.json<{ ruleSets: { hash: string; activationHeight: number | null }[] }>(
            n.org,
            '/governance/rules',
          ),
        ),
      );
      const heights = views.map(
        (v) => v.body.ruleSets.find((r) => r.hash === hash)?.activationHeight ?? null,
      );
      return heights.every((h) => h !== null && h === heights[0]) ? (heights[0] as number) : undefined;
    });
    await captureAndWait('freshmart', commissioningDocument(1));
    await waitFor(
      'a block under the new rules',
      async () => (await cluster.height('freshmart')) >= activation || undefined,
    );
    const block = await cluster.json<{ header: { rulesHash: string } }>('freshmart', `/blocks/${activation}`);
    expect(block.body.header.rulesHash).toBe(hash);
    const previous = await cluster.json<{ header: { rulesHash: string } }>(
      'freshmart',
      `/blocks/${activation - 1}`,
    );
    expect(previous.body.header.rulesHash).not.toBe(hash);
  });

  it('reports event status with block, transaction, org and submitter, identically on every node', async () => {
    const doc = commissioningDocument(1);
    await captureAndWait('valley-packers', doc);
    const id = eventIdsOf(doc)[0] as string;
    const statuses = await Promise.all(
      cluster.nodes.map((n) =>
        waitFor(`status on ${n.org}`, async () => {
          const r = await cluster.json<Record<string, unknown>>(
            n.org,
            `/events/${encodeURIComponent(id)}/status`,
            as('valley-packers'),
          );
          return r.body.status === 'accepted' ? r.body : undefined;
        }),
      ),
    );
    for (const s of statuses) {
      expect(s).toEqual(statuses[0]);
      expect(s).toMatchObject({
        eventID: id,
        status: 'accepted',
        org: 'valley-packers',
        submitter: 'test-erp',
      });
      expect(s.blockHeight).toBeGreaterThan(0);
    }
  });

  it('serves event proofs that verify offline against genesis, backed by the block another node serves', async () => {
    const doc = commissioningDocument(2);
    await captureAndWait('greenfield-farms', doc);
    const genesis = JSON.parse(readFileSync(join(cluster.dir, 'net', 'genesis.json'), 'utf8'));
    for (const id of eventIdsOf(doc)) {
      const { body: proof } = await waitFor(`proof of ${id} on freshmart`, async () => {
        const r = await cluster.json<EventProof>(
          'freshmart',
          `/events/${encodeURIComponent(id)}/proof`,
          as('greenfield-farms'),
        );
        return r.status === 200 ? r : undefined;
      });
      expect(proof.event.eventID).toBe(id);
      expect(verifyProof(proof, genesis)).toMatchObject({ ok: true });
      const { height } = proof.block.header;
      const { body: block } = await waitFor(`block ${height} on valley-packers`, async () => {
        const r = await cluster.json<BlockSummary>('valley-packers', `/blocks/${height}`);
        return r.status === 200 ? r : undefined;
      });
      expect(block.hash).toBe(proof.block.hash);
      expect(block.header).toEqual(proof.block.header);
      expect(block.txIds[proof.inclusion.index]).toBe(proof.tx.id);
      // Each node keeps the quorum of precommits it collected; any valid certificate proves the block.
      const { txIds: _ids, ...certified } = block;
      expect(verifyProof({ ...proof, block: certified }, genesis)).toMatchObject({ ok: true });
    }
    const unknown = await cluster.json(
      'freshmart',
      `/events/${encodeURIComponent('urn:uuid:unknown')}/proof`,
    );
    expect(unknown.status).toBe(404);
  });

  it('serves integrators through the typed client generated from api/openapi.yaml', async () => {
    const node = cluster.node('swift-logistics');
    const client = createWaybillClient(node.url, node.token);
    const doc = commissioningDocument(1);
    const posted = await client.POST('/capture', { body: doc as never });
    expect(posted.response.status).toBe(202);
    const captureID = posted.data && 'captureID' in posted.data ? posted.data.captureID : '';
    await waitFor('the capture to commit', async () => {
      const { data } = await client.GET('/capture/{captureID}', { params: { path: { captureID } } });
      return data?.running === false ? data : undefined;
    });
    const eventID = eventIdsOf(doc)[0] as string;
    const { data: status } = await client.GET('/events/{eventID}/status', { params: { path: { eventID } } });
    expect(status).toMatchObject({ eventID, status: 'accepted', org: 'swift-logistics', txId: captureID });
    captured.push(eventID);
  });

  it('captures one event with POST /events: 201 once committed, 409 when it exists, 400 naming the field', async () => {
    const event = commissioningDocument(1).epcisBody.eventList[0] as Record<string, unknown>;
    const post = (body: unknown) =>
      cluster.request('valley-packers', '/events', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const created = await post(event);
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`/events/${encodeURIComponent(String(event.eventID))}`);
    // GS1: 201 with the event as captured; the ledger status is at /events/{eventID}/status.
    expect(await created.json()).toMatchObject({ eventID: event.eventID, type: event.type });
    const status = await cluster.json(
      'valley-packers',
      `/events/${encodeURIComponent(String(event.eventID))}/status`,
    );
    expect(status.body).toMatchObject({ eventID: event.eventID, status: 'accepted', org: 'valley-packers' });
    captured.push(String(event.eventID));
    const again = await post(event);
    expect(again.status).toBe(409);
    expect(((await again.json()) as { code: string }).code).toBe('CONFLICT');
    const invalid = await post({ ...event, eventID: 'urn:uuid:not-stored', action: 'SHIP' });
    expect(invalid.status).toBe(400);
    const problem = (await invalid.json()) as { errors: Array<{ field: string }> };
    expect(problem.errors[0]?.field).toBe('/action');
  });

  it('answers a retried document with the same capture and no duplicate events', async () => {
    const doc = commissioningDocument(2);
    const first = await captureAndWait('greenfield-farms', doc);
    const again = await cluster.capture('greenfield-farms', doc);
    expect(again.status).toBe(202);
    expect(again.headers.get('location')).toBe(first);
  });

  it('names events that come without an eventID by their CBV 2.0 event hash', async () => {
    const doc = commissioningDocument(1);
    const { eventID: _dropped, ...event } = doc.epcisBody.eventList[0] as Record<string, unknown>;
    const anonymous = { ...doc, epcisBody: { eventList: [event] } };
    const location = await captureAndWait('swift-logistics', anonymous as typeof doc);
    const id = eventHash(event as EpcisEvent, anonymous['@context']);
    expect(id).toMatch(/^ni:\/\/\/sha-256;[0-9a-f]{64}\?ver=CBV2\.0$/);
    const body = await waitFor('the hashed event on freshmart', async () => {
      const r = await cluster.json(
        'freshmart',
        `/events/${encodeURIComponent(id)}/status`,
        as('swift-logistics'),
      );
      return r.status === 200 ? r.body : undefined;
    });
    expect(body).toMatchObject({ status: 'accepted', org: 'swift-logistics' });
    // The same document posted again is the same capture, not a second copy of the event.
    const again = await cluster.capture('swift-logistics', anonymous);
    expect(again.headers.get('location')).toBe(location);
  });

  it('keeps committing with the current leader stopped, and the leader catches up on restart', async () => {
    const { body } = await cluster.json<{ leader: string }>('freshmart', '/status');
    const leader = body.leader;
    await cluster.stop(leader);
    const others = cluster.nodes.filter((n) => n.org !== leader);
    const doc = commissioningDocument(2);
    await captureAndWait(others[0]?.org ?? '', doc);
    const before = await cluster.height(others[1]?.org ?? '');
    await captureAndWait(others[2]?.org ?? '', commissioningDocument(1));
    expect(await cluster.height(others[1]?.org ?? '')).toBeGreaterThan(before);

    cluster.start(leader);
    await cluster.waitReady(leader);
    const target = await cluster.height(others[0]?.org ?? '');
    await waitFor(`${leader} catches up to ${target}`, async () => (await cluster.height(leader)) >= target);
    const id = eventIdsOf(doc)[0] as string;
    const read = await cluster.json(leader, `/events/${encodeURIComponent(id)}`, as(others[0]?.org ?? ''));
    expect(read.status).toBe(200);
  }, 60_000);

  it('keeps out a fifth peer with a valid key that is not in genesis', async () => {
    const genesis = readGenesis(join(cluster.dir, 'net', 'genesis.json'));
    const seed = generateSeed();
    const [port] = await freePorts(1);
    // The intruder believes it is a member: its own view of genesis lists itself.
    const members = [
      ...genesis.members.map((m) => ({
        id: m.id,
        peerId: m.peerId,
        addrs: [p2pMultiaddr(m.host, m.p2pPort)],
      })),
      { id: 'intruder', peerId: peerIdFromSeed(seed), addrs: [`/ip4/127.0.0.1/tcp/${port}`] },
    ];
    const intruder = await createP2PNetwork({
      self: 'intruder',
      seed,
      listen: [`/ip4/127.0.0.1/tcp/${port}`],
      members,
      backoffInitialMs: 50,
    });
    const heightBefore = await cluster.height('greenfield-farms');
    await intruder.start();
    try {
      // Its handshake may complete on its own side for a moment before the member's gater
      // aborts it, so the proof is that no stream ever reaches a member's handler: a sync request
      // for the chain never gets an answer, however often it tries.
      let attempts = 0;
      const deadline = Date.now() + 3_000;
      while (Date.now() < deadline) {
        for (const m of genesis.members) {
          attempts++;
          await expect(
            intruder.request(m.id, 'sync', new TextEncoder().encode('{"from":1,"limit":10}'), 500),
          ).rejects.toThrow();
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(attempts).toBeGreaterThan(8);
    } finally {
      await intruder.stop();
    }
    // Nor can it write through the API with tokens from an issuer key of its own.
    const { privateJwk } = await generateIssuerKey('intruder');
    const token = await issueToken({
      privateJwk,
      org: 'intruder',
      network: genesis.network,
      sub: 'x',
      roles: ['events:write'],
      ttlSeconds: 60,
    });
    const res = await cluster.request(
      'greenfield-farms',
      '/capture',
      { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' },
      token,
    );
    expect(res.status).toBe(401);
    await captureAndWait('swift-logistics', commissioningDocument(1));
    expect(await cluster.height('greenfield-farms')).toBeGreaterThan(heightBefore);
  });

  it('answers bad input with problem+json and keeps serving', async () => {
    const url = cluster.node('freshmart').url;
    const own = `Bearer ${cluster.node('freshmart').token}`;
    const json = 'application/json';
    const cases: Array<[Record<string, string>, string, number, string]> = [
      [{ 'content-type': json, authorization: own }, '{"type": "EPCISDoc', 400, 'MALFORMED_JSON'],
      // XML is an EPCIS binding now (a bad XML document is a 400); plain text is no media type /capture takes.
      [{ 'content-type': 'text/plain', authorization: own }, 'hello', 415, 'UNSUPPORTED_MEDIA_TYPE'],
      [{ 'content-type': 'application/xml', authorization: own }, '<xml/>', 400, 'VALIDATION_FAILED'],
      [
        { 'content-type': json, authorization: own },
        `{"pad":"${'x'.repeat(11 * 1024 * 1024)}"}`,
        413,
        'PAYLOAD_TOO_LARGE',
      ],
      [{ 'content-type': json }, '{}', 401, 'UNAUTHORIZED'],
      [{ 'content-type': json, authorization: 'Bearer not-a-token' }, '{}', 401, 'UNAUTHORIZED'],
      [
        { 'content-type': json, authorization: `Bearer ${cluster.node('greenfield-farms').token}` },
        '{}',
        403,
        'FORBIDDEN',
      ],
      [{ 'content-type': json, authorization: own }, '{"type":"EPCISDocument"}', 400, 'VALIDATION_FAILED'],
    ];
    for (const [headers, body, status, code] of cases) {
      const res = await rawRequest(url, { method: 'POST', path: '/capture', headers, body });
      expect(res.status).toBe(status);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect((JSON.parse(res.body) as { code: string }).code).toBe(code);
    }
    expect((await fetch(`${cluster.node('freshmart').url}/healthz`)).status).toBe(200);
  });

  it('commits evidence when a member signs two conflicting votes, and every node lists it', async () => {
    // freshmart's operator turns Byzantine: its node is replaced by one that double-votes.
    const genesis = readGenesis(join(cluster.dir, 'net', 'genesis.json'));
    const liar = genesis.members.find((m) => m.id === 'freshmart');
    if (!liar) throw new Error('no freshmart');
    await cluster.stop('freshmart');
    const seed = fromHex(readFileSync(join(cluster.dir, 'net', 'freshmart', 'node.key'), 'utf8').trim());
    const members = genesis.members.map((m) => ({
      id: m.id,
      peerId: m.peerId,
      addrs: [p2pMultiaddr(m.host, m.p2pPort)],
    }));
    const byzantine = await createP2PNetwork({
      self: 'freshmart',
      seed,
      listen: [p2pMultiaddr(liar.host, liar.p2pPort)],
      members,
      backoffInitialMs: 50,
    });
    await byzantine.start();
    const signer = createSigner(seed);
    const vote = (height: number, round: number, blockHash: string | null) => ({
      type: 'prevote',
      height,
      round,
      blockHash,
      voter: 'freshmart',
      signature: toHex(signer.sign(voteBytes('prevote', genesis.network, height, round, blockHash))),
    });
    try {
      await waitFor(
        'the Byzantine node to connect',
        () => byzantine.peers().filter((p) => p.connected).length >= 2,
      );
      const evidence = await waitFor('committed evidence', async () => {
        const { body: status } = await cluster.json<{ height: number; view: number }>(
          'greenfield-farms',
          '/status',
        );
        for (const blockHash of ['ab'.repeat(32), null]) {
          byzantine.broadcast(
            'consensus',
            new TextEncoder().encode(JSON.stringify(vote(status.height + 1, status.view, blockHash))),
          );
        }
        const { body } = await cluster.json<{ evidence: Array<Record<string, unknown>> }>(
          'greenfield-farms',
          '/evidence',
        );
        return body.evidence.length > 0 ? body.evidence : undefined;
      });
      // One record per equivocating slot; the liar may have been caught at more than one.
      for (const e of evidence) expect(e).toMatchObject({ kind: 'duplicate_vote', member: 'freshmart' });

      // Junk and forged signatures are dropped and counted; the node keeps serving.
      const rejected = async (reason: string) => {
        const text = await (await fetch(`${cluster.node('greenfield-farms').url}/metrics`)).text();
        const line = text
          .split('\n')
          .find((l) => l.startsWith(`waybill_consensus_messages_rejected_total{reason="${reason}"}`));
        return Number(line?.split(' ')[1] ?? 0);
      };
      const [malformed, forged] = [await rejected('malformed'), await rejected('invalid_signature')];
      await waitFor('junk and forgeries counted', async () => {
        // Forged for the height and round being decided now: messages for a past height are
        // not checked at all, only answered with the decisions the sender lacks.
        const { body: now } = await cluster.json<{ height: number; view: number }>(
          'greenfield-farms',
          '/status',
        );
        const bad = { ...vote(now.height + 1, now.view, 'cd'.repeat(32)), signature: '00'.repeat(64) };
        byzantine.broadcast('consensus', new TextEncoder().encode('{"type":"prevote","height":"many"'));
        byzantine.broadcast('consensus', new TextEncoder().encode(JSON.stringify(bad)));
        return (await rejected('malformed')) > malformed && (await rejected('invalid_signature')) > forged;
      });
      expect((await fetch(`${cluster.node('greenfield-farms').url}/healthz`)).status).toBe(200);
    } finally {
      await byzantine.stop();
    }
    const listOn = async (org: string) =>
      (await cluster.json<{ evidence: Array<Record<string, unknown>> }>(org, '/evidence')).body.evidence;
    // Once nothing more is pending, every node lists the same committed evidence.
    const settled = await waitFor('evidence to settle', async () => {
      const lists = await Promise.all(['greenfield-farms', 'valley-packers', 'swift-logistics'].map(listOn));
      const same = lists.every((l) => JSON.stringify(l) === JSON.stringify(lists[0]));
      return same && (lists[0]?.length ?? 0) > 0 ? lists[0] : undefined;
    });
    // The honest node comes back, catches up and answers with the same evidence.
    cluster.start('freshmart');
    await cluster.waitReady('freshmart');
    const target = await cluster.height('greenfield-farms');
    await waitFor('freshmart catches up', async () => (await cluster.height('freshmart')) >= target);
    const agreed = await waitFor('freshmart to list the same evidence', async () => {
      const [mine, theirs] = await Promise.all([listOn('freshmart'), listOn('greenfield-farms')]);
      return JSON.stringify(mine) === JSON.stringify(theirs) ? mine : undefined;
    });
    expect(agreed.length).toBeGreaterThanOrEqual(settled.length);
    for (const e of agreed) expect(e).toMatchObject({ kind: 'duplicate_vote', member: 'freshmart' });
  }, 60_000);

  it('holds one identical chain on every node, with every event exactly once', async () => {
    const heights = await Promise.all(cluster.nodes.map((n) => cluster.height(n.org)));
    const top = Math.max(...heights);
    await Promise.all(
      cluster.nodes.map((n) =>
        waitFor(`${n.org} at ${top}`, async () => (await cluster.height(n.org)) >= top),
      ),
    );
    await Promise.all(cluster.nodes.map((n) => cluster.stop(n.org)));
    const chains = cluster.nodes.map((n) => {
      const db = new Database(join(n.dataDir, 'ledger.sqlite'), { readonly: true });
      try {
        const blocks = db
          .prepare('SELECT height, hash FROM blocks WHERE height <= ? ORDER BY height')
          .all(top);
        const events = db.prepare('SELECT event_id AS id FROM event_index').all() as Array<{ id: string }>;
        return { blocks, events: events.map((e) => e.id) };
      } finally {
        db.close();
      }
    });
    const reference = chains[0];
    expect(reference?.blocks.length).toBe(top);
    for (const chain of chains) {
      expect(chain.blocks).toEqual(reference?.blocks);
      expect(new Set(chain.events).size).toBe(chain.events.length);
      for (const id of captured) expect(chain.events).toContain(id);
    }
  });
});
