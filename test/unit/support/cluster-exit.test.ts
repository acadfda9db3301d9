import { afterAll, describe, expect, it } from 'vitest';
import { Cluster } from '../../support/cluster.js';
import { waitFor } from '../../support/wait.js';

// A node that dies while a process-level test runs must say so in the test's failure: in CI the
// cluster's directory and the node's log are gone by the time anyone reads it, and a bare
// "fetch failed … ECONNREFUSED" does not tell a crashed node from a slow one.
describe('a test cluster whose node dies behind its back', () => {
  let cluster: Cluster | undefined;

  afterAll(async () => {
    await cluster?.destroy();
  });

  async function live(org: string): Promise<void> {
    const url = cluster?.node(org).url;
    await waitFor(`${org} live`, async () => (await fetch(`${url}/healthz`)).ok, 60_000);
  }

  it('answers a request to it with how it ended and the end of its log', async () => {
    cluster = await Cluster.create(4);
    const org = 'greenfield-farms';
    cluster.start(org);
    await live(org); // alone it is never ready (no quorum), but it serves and logs
    const pid = cluster.node(org).process?.pid as number;
    process.kill(pid, 'SIGKILL'); // not through the harness: a crash
    await waitFor('the exit to be seen', () => cluster?.unexpectedExits.some((e) => e.org === org));
    const failure = cluster.request(org, '/status');
    await expect(failure).rejects.toThrow(/greenfield-farms's node exited unexpectedly \(signal SIGKILL\)/);
    await expect(failure).rejects.toThrow(/"org":"greenfield-farms"/);
    // A node the harness stopped itself is no crash: its requests fail as fetch's own.
    const other = 'valley-packers';
    cluster.start(other);
    await live(other);
    await cluster.stop(other);
    await expect(cluster.request(other, '/status')).rejects.toThrow('fetch failed');
  }, 150_000);
});
