import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Cluster } from '../support/cluster.js';
import { waitFor } from '../support/wait.js';

// A node process and the errors nothing catches: libp2p's write on a stream whose connection
// closed, thrown from inside its muxer, is logged and the node serves on (it stopped a restarted
// node in the membership test under load); any other error stops the node with exit code 1.
describe('a node process and the errors nothing catches', () => {
  let cluster: Cluster | undefined;

  afterAll(async () => {
    await cluster?.destroy();
  });

  it('serves on after a stray libp2p stream error, and stops with exit code 1 after any other', async () => {
    const preload = resolve(import.meta.dirname, '../support/uncaught-preload.mjs');
    cluster = await Cluster.create(4, {}, { env: { NODE_OPTIONS: `--import=${preload}` } });
    const org = 'greenfield-farms';
    const { url } = cluster.node(org);
    const log = () => readFileSync(join(cluster?.dir as string, `${org}.log`), 'utf8');
    cluster.start(org);
    // Alone it never becomes ready (no quorum) but it serves, and its handlers are installed.
    await waitFor(`${org} live`, async () => (await fetch(`${url}/healthz`)).ok, 60_000);
    await waitFor(`${org} started`, () => log().includes('"msg":"node started"'), 60_000);
    const pid = cluster.node(org).process?.pid as number;

    process.kill(pid, 'SIGWINCH');
    await waitFor('the stray error logged', () => log().includes('p2p: a write on a closed stream, ignored'));
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect(cluster.unexpectedExits).toEqual([]);

    process.kill(pid, 'SIGWINCH');
    await waitFor('the node to exit', () => cluster?.unexpectedExits.find((e) => e.org === org), 60_000);
    expect(cluster.unexpectedExits).toEqual([{ org, code: 1, signal: null }]);
    expect(log()).toContain('an error nothing caught');
    expect(log()).toContain('"msg":"stopping after an error"');
  }, 150_000);
});
