import { must, type TraceNode } from '../api.js';
import { Flags, Loaded, STATUS_TEXT, saveFile, shortId, useApp, useLoad, useNames } from '../common.js';
import { toCsvLine } from '../csv.js';
import { href } from '../route.js';

/**
 * The mock-recall report: from a recalled object forward, every affected object with its current
 * owner and custodian, grouped by the organisation holding it ("who to call"), and how much of it
 * is consumed, destroyed or still out there.
 */
export function RecallPage({ id }: { id: string }) {
  const { api } = useApp();
  const names = useNames();
  const load = useLoad(async () => {
    const started = performance.now();
    const trace = must(
      await api.GET('/objects/{id}/trace', { params: { path: { id }, query: { direction: 'forward' } } }),
    );
    return { trace, ms: Math.round(performance.now() - started) };
  }, [api, id]);
  return (
    <section>
      <h1 title={id}>Recall report for {shortId(id)}</h1>
      <Loaded load={load}>
        {({ trace, ms }) => {
          const affected = trace.nodes;
          const counts = new Map<string, number>();
          for (const n of affected)
            counts.set(n.status ?? 'unknown', (counts.get(n.status ?? 'unknown') ?? 0) + 1);
          const groups = new Map<string, TraceNode[]>();
          for (const n of affected) {
            const k = n.custodian ?? 'unknown';
            groups.set(k, [...(groups.get(k) ?? []), n]);
          }
          const active = (counts.get('active') ?? 0) + (counts.get('in_transit') ?? 0);
          const done = (counts.get('consumed') ?? 0) + (counts.get('destroyed') ?? 0);
          const exportCsv = () =>
            saveFile(
              `recall-${id.replace(/[^A-Za-z0-9]+/g, '_').slice(-60)}.csv`,
              `${[
                toCsvLine(['Object', 'Depth', 'Owner', 'Custodian', 'Status', 'Flags']),
                ...affected.map((n) =>
                  toCsvLine([
                    n.id,
                    String(n.depth),
                    n.owner ?? '',
                    n.custodian ?? '',
                    n.status ?? '',
                    (n.flags ?? []).join(' '),
                  ]),
                ),
              ].join('\r\n')}\r\n`,
              'text/csv;charset=utf-8',
            );
          return (
            <>
              <dl className="counts">
                {[
                  ['Affected objects', String(affected.length)],
                  ...(['active', 'in_transit', 'consumed', 'destroyed'] as const).map((s) => [
                    STATUS_TEXT[s] ?? s,
                    String(counts.get(s) ?? 0),
                  ]),
                  [
                    'Accounted for (consumed or destroyed)',
                    affected.length === 0 ? '—' : `${Math.round((100 * done) / affected.length)} %`,
                  ],
                  ['Still out there (active or in transit)', String(active)],
                  ['Time to trace', `${ms} ms`],
                ].map(([k, v]) => (
                  <div key={k}>
                    <dt>{k}</dt>
                    <dd>{v}</dd>
                  </div>
                ))}
              </dl>
              {trace.truncated && (
                <p className="warning">
                  The trace was cut at the node’s limits: more objects may be affected.
                </p>
              )}
              <p>
                <button type="button" onClick={exportCsv}>
                  Export recall CSV
                </button>{' '}
                <button type="button" onClick={() => window.print()}>
                  Print
                </button>
              </p>
              {[...groups.entries()]
                .sort(([a], [b]) => (a < b ? -1 : 1))
                .map(([org, list]) => (
                  <section key={org} aria-label={`Held by ${names.org(org)}`}>
                    <h2>
                      Held by {names.org(org)} ({list.length})
                    </h2>
                    <table className="grid">
                      <thead>
                        <tr>
                          <th scope="col">Object</th>
                          <th scope="col">Owner</th>
                          <th scope="col">Status</th>
                          <th scope="col">Flags</th>
                        </tr>
                      </thead>
                      <tbody>
                        {list.map((n) => (
                          <tr key={n.id}>
                            <td>
                              <a href={href(['object', n.id])} title={n.id}>
                                {shortId(n.id)}
                              </a>
                            </td>
                            <td>{names.org(n.owner)}</td>
                            <td>{n.status ? STATUS_TEXT[n.status] : '—'}</td>
                            <td>
                              <Flags flags={n.flags} />
                            </td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </section>
                ))}
            </>
          );
        }}
      </Loaded>
    </section>
  );
}
