import { useEffect, useState } from 'react';
import { must } from '../api.js';
import { Loaded, REASONS, shortId, useApp, useLoad, useNames } from '../common.js';
import { href } from '../route.js';
import { VerifyProof } from './verify.js';

/** Height, leader, members and their connections (polled every 5 s), governance, evidence, alerts, rejections. */
export function NetworkPage() {
  const { api, genesis } = useApp();
  const names = useNames();
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const t = setInterval(() => setTick((n) => n + 1), 5_000);
    return () => clearInterval(t);
  }, []);
  const status = useLoad(async () => must(await api.GET('/status')), [api, tick]);
  const rules = useLoad(async () => must(await api.GET('/governance/rules')), [api]);
  const evidence = useLoad(async () => must(await api.GET('/evidence')), [api]);
  const alerts = useLoad(
    async () => must(await api.GET('/alerts', { params: { query: { perPage: 100 } } })),
    [api],
  );
  const [code, setCode] = useState('');
  const rejections = useLoad(
    async () => must(await api.GET('/rejections', { params: { query: code ? { code } : {} } as never })),
    [api, code],
  );
  const [proving, setProving] = useState<string | undefined>();
  return (
    <section className="network">
      <h1>Network</h1>
      <Loaded load={status}>
        {(s) => (
          <dl className="state" aria-live="off">
            <dt>Network</dt>
            <dd>{s.network}</dd>
            <dt>This node</dt>
            <dd>{names.org(s.org)}</dd>
            <dt>Height</dt>
            <dd data-testid="height">{s.height}</dd>
            <dt>Round</dt>
            <dd>{s.view}</dd>
            <dt>Leader</dt>
            <dd>{names.org(s.leader)}</dd>
            <dt>Last block</dt>
            <dd>{s.lastBlockTime ?? 'none yet'}</dd>
          </dl>
        )}
      </Loaded>
      <h2>Members</h2>
      <table className="grid">
        <thead>
          <tr>
            <th scope="col">Member</th>
            <th scope="col">Id</th>
            <th scope="col">Role</th>
            <th scope="col">Connection</th>
            <th scope="col">Sites</th>
            <th scope="col">Node key</th>
          </tr>
        </thead>
        <tbody>
          {(genesis?.members ?? []).map((m) => {
            const self = status.state === 'ready' && status.data.org === m.id;
            const peer = status.state === 'ready' ? status.data.peers.find((p) => p.org === m.id) : undefined;
            return (
              <tr key={m.id}>
                <td>{m.name}</td>
                <td>{m.id}</td>
                <td>Validator</td>
                <td>
                  {self
                    ? 'this node'
                    : peer
                      ? peer.connected
                        ? '● connected'
                        : '○ disconnected'
                      : 'unknown'}
                </td>
                <td>{m.locations.map((l) => l.replace('urn:epc:id:sgln:', '')).join(', ')}</td>
                <td>
                  <code className="hash">{m.publicKey.slice(0, 16)}…</code>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <p className="muted">Every genesis member is a validator; this network has no observers.</p>

      <h2>Custody rule sets</h2>
      <Loaded load={rules}>
        {(r) => (
          <table className="grid">
            <caption>Quorum for a new rule set: {r.quorum} approvals</caption>
            <thead>
              <tr>
                <th scope="col">Hash</th>
                <th scope="col">Proposed by</th>
                <th scope="col">Proposed at</th>
                <th scope="col">Approvals</th>
                <th scope="col">Active from</th>
                <th scope="col">State</th>
              </tr>
            </thead>
            <tbody>
              {r.ruleSets.map((x) => (
                <tr key={x.hash}>
                  <td>
                    <code className="hash">{x.hash.slice(0, 16)}…</code>
                  </td>
                  <td>{names.org(x.proposer)}</td>
                  <td>{x.proposedHeight}</td>
                  <td>{(x.approvals as unknown as string[]).map((a) => names.org(a)).join(', ')}</td>
                  <td>{x.activationHeight ?? '—'}</td>
                  <td>{x.active ? 'in force' : 'proposed'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Loaded>

      <h2>Evidence of misbehaviour</h2>
      <Loaded load={evidence}>
        {(e) =>
          e.evidence.length === 0 ? (
            <p>No member has signed conflicting messages.</p>
          ) : (
            <ul className="plain">
              {e.evidence.map((x) => (
                <li key={x.id}>
                  {names.org(x.member)}: {x.kind.replace('_', ' ')} at height {x.height}, round {x.round},
                  reported by {names.org(x.reportedBy)} (block {x.blockHeight})
                </li>
              ))}
            </ul>
          )
        }
      </Loaded>

      <h2>Cold-chain alerts</h2>
      <Loaded load={alerts}>
        {(a) =>
          a.alerts.length === 0 ? (
            <p>No alerts.</p>
          ) : (
            <table className="grid">
              <thead>
                <tr>
                  <th scope="col">Object</th>
                  <th scope="col">Reading</th>
                  <th scope="col">Allowed range</th>
                  <th scope="col">Event</th>
                </tr>
              </thead>
              <tbody>
                {a.alerts.map((x) => (
                  <tr key={x.seq}>
                    <td>
                      <a href={href(['object', x.object])} title={x.object}>
                        {shortId(x.object)}
                      </a>
                    </td>
                    <td>{x.value} °C</td>
                    <td>
                      {x.min} – {x.max} °C
                    </td>
                    <td>
                      <a href={href(['event', x.eventID])}>sensor report</a>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Loaded>

      <h2>Rejected events</h2>
      <label>
        Reason code{' '}
        <select value={code} onChange={(e) => setCode(e.target.value)}>
          <option value="">all</option>
          {Object.keys(REASONS).map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </select>
      </label>
      <Loaded load={rejections}>
        {(r) =>
          r.rejections.length === 0 ? (
            <p>No rejected events{code ? ` with ${code}` : ''}.</p>
          ) : (
            <table className="grid">
              <thead>
                <tr>
                  <th scope="col">Code</th>
                  <th scope="col">What it means</th>
                  <th scope="col">Captured by</th>
                  <th scope="col">Block</th>
                  <th scope="col">Verdict proof</th>
                </tr>
              </thead>
              <tbody>
                {r.rejections.map((x) => (
                  <tr key={x.eventID}>
                    <td>
                      <code>{x.code}</code>
                    </td>
                    <td>
                      {REASONS[x.code] ?? x.message} <span className="muted">({x.message})</span>
                    </td>
                    <td>{names.org(x.org)}</td>
                    <td>
                      <a href={href(['block', x.blockHeight])}>{x.blockHeight}</a>
                    </td>
                    <td>
                      {proving === x.eventID ? (
                        <VerifyProof what={{ kind: 'event', eventID: x.eventID }} />
                      ) : (
                        <button type="button" className="small" onClick={() => setProving(x.eventID)}>
                          Check verdict of {x.code}
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Loaded>
    </section>
  );
}
