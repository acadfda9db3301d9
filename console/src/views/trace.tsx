import { lazy, Suspense, useEffect, useRef, useState } from 'react';
import { ApiError, type CustodyStep, eventOf, must, type Trace, type TraceNode } from '../api.js';
import { Flags, flagText, Loaded, STATUS_TEXT, shortId, useApp, useLoad, useNames } from '../common.js';
import { flowOrder } from '../graph.js';
import { href } from '../route.js';
import { useAnchor, type VerifyResult, verifyInWorker } from '../verifier.js';
import { EventDetails } from './event.js';
import { Fsma } from './fsma.js';
import { Sealed } from './sealed.js';
import type { Selection } from './selection.js';
import { GenesisLoader } from './verify.js';

export type { Selection };

const loadLineage = () => import('./lineage.js');
const Lineage = lazy(() => loadLineage().then((m) => ({ default: m.Lineage })));

const VIEWS = [
  ['journey', 'Journey'],
  ['lineage', 'Lineage'],
  ['timeline', 'Timeline'],
  ['table', 'Table'],
  ['fsma', 'FSMA 204'],
] as const;

type Direction = 'backward' | 'forward' | 'both';

export function TracePage({ id, params }: { id: string; params: URLSearchParams }) {
  const { api } = useApp();
  const view = params.get('view') ?? 'journey';
  const dir = (
    ['backward', 'forward', 'both'].includes(params.get('dir') ?? '') ? params.get('dir') : 'both'
  ) as Direction;
  const depth = Number(params.get('depth') ?? 2);
  const sel = params.get('sel');
  const state = { view, dir, depth: String(depth), sel: sel ?? undefined };
  const link = (over: Record<string, string | undefined>) => href(['trace', id], { ...state, ...over });
  const load = useLoad(
    async () =>
      must(await api.GET('/objects/{id}/trace', { params: { path: { id }, query: { direction: dir } } })),
    [api, id, dir],
  );
  const selection: Selection | undefined = sel
    ? sel.startsWith('event:')
      ? { kind: 'event', eventID: sel.slice(6) }
      : { kind: 'object', id: sel }
    : undefined;
  // The graph's chunk loads while the trace is fetched, not after it arrives (one round trip fewer).
  useEffect(() => {
    if (view === 'lineage') void loadLineage();
  }, [view]);
  const opener = useRef<HTMLElement | null>(null);
  const select = (s: Selection | undefined) => {
    if (s) opener.current = document.activeElement as HTMLElement | null;
    window.location.hash = link({
      sel: s ? (s.kind === 'event' ? `event:${s.eventID}` : s.id) : undefined,
    }).slice(1);
  };
  // Esc or Close: once the panel is gone, focus returns to what opened it.
  useEffect(() => {
    if (sel || !opener.current) return;
    opener.current.focus();
    opener.current = null;
  }, [sel]);
  return (
    <section className="trace" data-state={load.state}>
      <h1 title={id}>Trace of {shortId(id)}</h1>
      <div className="controls">
        <nav aria-label="Trace views" className="tabs">
          {VIEWS.map(([v, label]) => (
            <a key={v} href={link({ view: v })} aria-current={view === v ? 'page' : undefined}>
              {label}
            </a>
          ))}
        </nav>
        <fieldset className="direction">
          <legend>Direction</legend>
          {(['backward', 'forward', 'both'] as const).map((d) => (
            <a key={d} href={link({ dir: d })} aria-current={dir === d ? 'true' : undefined}>
              {d === 'backward' ? 'Backward (origins)' : d === 'forward' ? 'Forward (where it went)' : 'Both'}
            </a>
          ))}
        </fieldset>
        <a href={href(['object', id])}>Object page</a> <a href={href(['recall', id])}>Recall report</a>
      </div>
      <Loaded load={load} notFound="No trace of this object is visible to your organisation at this node.">
        {(trace) => (
          <div className="trace-body">
            {trace.truncated && (
              <p className="warning" role="status">
                This trace was cut at the node’s limits: {trace.nodes.length} objects and{' '}
                {trace.custody.length} events are shown, more exist.
              </p>
            )}
            <div className="trace-view" data-view={view}>
              {view === 'journey' && <Journey trace={trace} select={select} />}
              {view === 'lineage' && (
                <Suspense
                  fallback={
                    <p className="muted" role="status">
                      Loading the graph…
                    </p>
                  }
                >
                  <Lineage
                    trace={trace}
                    depth={depth}
                    selected={sel ?? undefined}
                    select={select}
                    setDepth={(d) => {
                      window.location.hash = link({ depth: String(d) }).slice(1);
                    }}
                  />
                </Suspense>
              )}
              {view === 'timeline' && <Timeline trace={trace} select={select} />}
              {view === 'table' && <TableTwin trace={trace} select={select} />}
              {view === 'fsma' && <Fsma id={id} direction={dir} trace={trace} />}
              {view !== 'fsma' && <VerifyChain trace={trace} id={id} direction={dir} />}
            </div>
            {selection && <Panel trace={trace} selection={selection} close={() => select(undefined)} />}
          </div>
        )}
      </Loaded>
    </section>
  );
}

/** The side panel: the object's state from the trace, or the event as stored. Esc closes it. */
function Panel({ trace, selection, close }: { trace: Trace; selection: Selection; close: () => void }) {
  const ref = useRef<HTMLElement>(null);
  const names = useNames();
  useEffect(() => {
    ref.current?.focus();
  }, []);
  const node = selection.kind === 'object' ? trace.nodes.find((n) => n.id === selection.id) : undefined;
  return (
    <aside
      className="panel"
      aria-label="Details"
      tabIndex={-1}
      ref={ref}
      onKeyDown={(e) => {
        if (e.key === 'Escape') close();
      }}
    >
      <button type="button" className="small close" onClick={close}>
        Close
      </button>
      {selection.kind === 'event' ? (
        <EventDetails eventID={selection.eventID} />
      ) : (
        <>
          <h2 title={selection.id}>{shortId(selection.id)}</h2>
          <p>
            <code>{selection.id}</code>
          </p>
          {node && (
            <>
              <Flags flags={node.flags} />
              <dl className="state">
                <dt>Kind</dt>
                <dd>{node.kind}</dd>
                <dt>Depth</dt>
                <dd>{node.depth}</dd>
                <dt>Owner</dt>
                <dd>{names.org(node.owner)}</dd>
                <dt>Custodian</dt>
                <dd>{names.org(node.custodian)}</dd>
                <dt>Status</dt>
                <dd>{node.status ? (STATUS_TEXT[node.status] ?? node.status) : '—'}</dd>
              </dl>
            </>
          )}
          <p>
            <a href={href(['object', selection.id])}>Open the object page</a>
          </p>
          <h3>Events naming it in this trace</h3>
          <ul className="plain">
            {trace.custody
              .filter((s) => s.objects.includes(selection.id))
              .map((s) => (
                <li key={s.eventID}>
                  <a href={href(['event', s.eventID])}>
                    {s.eventType} {s.bizStep ?? ''} · {names.org(s.org)} · {s.eventTime}
                  </a>
                </li>
              ))}
          </ul>
        </>
      )}
    </aside>
  );
}

export function nodeName(n: TraceNode): string {
  const flags = (n.flags ?? []).map(flagText);
  return [
    n.id,
    n.kind === 'class' ? 'class' : undefined,
    n.status ? STATUS_TEXT[n.status] : undefined,
    ...flags,
  ]
    .filter(Boolean)
    .join(', ');
}

interface Transfer {
  possession?: [string, string];
  ownership?: [string, string];
}

/** Custody and ownership changes of a shipping event, from its source and destination lists. */
function transferOf(e: Record<string, unknown>): Transfer {
  const list = (k: string) => (Array.isArray(e[k]) ? (e[k] as Array<Record<string, string>>) : []);
  const end = (l: Array<Record<string, string>>, type: string, key: string) =>
    l.find((x) => String(x.type).endsWith(type))?.[key];
  const t: Transfer = {};
  const pFrom = end(list('sourceList'), 'possessing_party', 'source');
  const pTo = end(list('destinationList'), 'possessing_party', 'destination');
  const oFrom = end(list('sourceList'), 'owning_party', 'source');
  const oTo = end(list('destinationList'), 'owning_party', 'destination');
  if (pTo) t.possession = [pFrom ?? '', pTo];
  if (oTo) t.ownership = [oFrom ?? '', oTo];
  return t;
}

/** A step's site, or Sealed where the public view left out a site outside the consortium. */
function useSiteOf() {
  const names = useNames();
  return (s: CustodyStep) => {
    const site = s.bizLocation ?? s.readPoint;
    return site === null && s.sealed === 'elsewhere' ? <Sealed compact /> : names.site(site);
  };
}

function Journey({ trace, select }: { trace: Trace; select: (s: Selection) => void }) {
  const { api } = useApp();
  const names = useNames();
  const siteOf = useSiteOf();
  const orgs = flowOrder(trace);
  // Only the shipping events are read in full (their source and destination lists); one call each.
  const ships = trace.custody.filter((s) => s.bizStep === 'shipping').slice(0, 50);
  const transfers = useLoad(async () => {
    const out = new Map<string, Transfer>();
    await Promise.all(
      ships.map(async (s) => {
        const r = await api.GET('/events/{eventID}', { params: { path: { eventID: s.eventID } } });
        if (r.data) out.set(s.eventID, transferOf(eventOf(r.data)));
      }),
    );
    return out;
  }, [api, trace]);
  const words = (s: CustodyStep): string | undefined => {
    if (transfers.state !== 'ready') return undefined;
    const t = transfers.data.get(s.eventID);
    if (!t) return undefined;
    const p = t.possession
      ? `custody: ${names.party(t.possession[0]) || names.org(s.org)} → ${names.party(t.possession[1])}`
      : 'custody unchanged';
    const o = t.ownership ? `ownership: → ${names.party(t.ownership[1])}` : 'ownership unchanged';
    return `${p}; ${o}`;
  };
  return (
    <section aria-label="Journey">
      <h2 className="sr-only">Journey</h2>
      <ol className="journey">
        {orgs.map((org, i) => (
          <li key={org} className="column">
            <h3>
              <span className="step-no">{i + 1}</span> {names.org(org)}
            </h3>
            <ol className="plain">
              {trace.custody
                .filter((s) => s.org === org)
                .map((s) => (
                  <li key={s.eventID} className="card">
                    <button
                      type="button"
                      className="link"
                      onClick={() => select({ kind: 'event', eventID: s.eventID })}
                    >
                      {[s.eventType.replace('Event', ''), s.bizStep ?? s.action].filter(Boolean).join(' · ')}
                    </button>
                    <div className="muted">{s.eventTime.replace('T', ' ').replace(/\.\d+/, '')}</div>
                    <div className="muted">{siteOf(s)}</div>
                    <div>
                      {s.objects.slice(0, 3).map(shortId).join(', ')}
                      {s.objects.length > 3 ? ` +${s.objects.length - 3}` : ''}
                    </div>
                    {words(s) && <p className="transfer">{words(s)}</p>}
                  </li>
                ))}
            </ol>
          </li>
        ))}
      </ol>
    </section>
  );
}

function lag(s: CustodyStep): string {
  const ms = Date.parse(s.recordTime) - Date.parse(s.eventTime);
  if (!Number.isFinite(ms)) return '';
  const m = Math.round(ms / 60_000);
  if (Math.abs(m) < 1) return 'recorded within a minute';
  const text = Math.abs(m) >= 120 ? `${Math.round(m / 60)} h` : `${m} min`;
  return ms >= 0 ? `recorded ${text} later` : `recorded ${text} before the event time`;
}

/** Warnings a reviewer should see inline: received before shipped, received with no shipping record. */
export function timelineWarnings(trace: Trace): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const add = (id: string, w: string) => out.set(id, [...(out.get(id) ?? []), w]);
  for (const r of trace.custody.filter((s) => s.bizStep === 'receiving')) {
    const ships = trace.custody.filter(
      (s) => s.bizStep === 'shipping' && s.objects.some((o) => r.objects.includes(o)),
    );
    if (ships.length === 0) add(r.eventID, 'received with no shipping record in this trace');
    else if (ships.every((s) => Date.parse(s.eventTime) > Date.parse(r.eventTime)))
      add(r.eventID, 'received before it was shipped');
  }
  for (const s of trace.custody) {
    if (Date.parse(s.recordTime) < Date.parse(s.eventTime))
      add(s.eventID, 'event time is after the ledger recorded it');
  }
  return out;
}

function Timeline({ trace, select }: { trace: Trace; select: (s: Selection) => void }) {
  const names = useNames();
  const siteOf = useSiteOf();
  const warnings = timelineWarnings(trace);
  return (
    <section aria-label="Timeline">
      <h2 className="sr-only">Timeline</h2>
      <table className="grid">
        <caption>Custody chain in event-time order ({trace.custody.length} events)</caption>
        <thead>
          <tr>
            <th scope="col">Event time (as captured)</th>
            <th scope="col">Organisation</th>
            <th scope="col">Event</th>
            <th scope="col">Disposition</th>
            <th scope="col">Site</th>
            <th scope="col">Ledger record time</th>
            <th scope="col">Warnings</th>
          </tr>
        </thead>
        <tbody>
          {trace.custody.map((s) => (
            <tr key={s.eventID}>
              <td>{s.eventTime}</td>
              <td>{names.org(s.org)}</td>
              <td>
                <button
                  type="button"
                  className="link"
                  onClick={() => select({ kind: 'event', eventID: s.eventID })}
                >
                  {s.eventType} {s.bizStep ?? s.action ?? ''}
                </button>
              </td>
              <td>{s.disposition?.replace(/^.*[:/]/, '') ?? ''}</td>
              <td>{siteOf(s)}</td>
              <td>
                {s.recordTime} <span className="muted">({lag(s)})</span>
              </td>
              <td>
                {(warnings.get(s.eventID) ?? []).map((w) => (
                  <span key={w} className="warn-inline">
                    <span aria-hidden="true">⚠ </span>
                    {w}
                  </span>
                ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** The graph's table twin: every node and every edge, as rows. */
function TableTwin({ trace, select }: { trace: Trace; select: (s: Selection) => void }) {
  const names = useNames();
  return (
    <section aria-label="Table">
      <h2 className="sr-only">Table</h2>
      <table className="grid">
        <caption>Objects ({trace.nodes.length})</caption>
        <thead>
          <tr>
            <th scope="col">Object</th>
            <th scope="col">Depth</th>
            <th scope="col">Owner</th>
            <th scope="col">Custodian</th>
            <th scope="col">Status</th>
            <th scope="col">Flags</th>
          </tr>
        </thead>
        <tbody>
          {[...trace.nodes]
            .sort((a, b) => a.depth - b.depth || (a.id < b.id ? -1 : 1))
            .map((n) => (
              <tr key={n.id}>
                <td>
                  <button
                    type="button"
                    className="link"
                    title={n.id}
                    onClick={() => select({ kind: 'object', id: n.id })}
                  >
                    {shortId(n.id)}
                  </button>
                </td>
                <td>{n.depth}</td>
                <td>{names.org(n.owner)}</td>
                <td>{names.org(n.custodian)}</td>
                <td>{n.status ? STATUS_TEXT[n.status] : '—'}</td>
                <td>{(n.flags ?? []).map(flagText).join(', ')}</td>
              </tr>
            ))}
        </tbody>
      </table>
      <table className="grid">
        <caption>Links between objects ({trace.edges.length})</caption>
        <thead>
          <tr>
            <th scope="col">From</th>
            <th scope="col">To</th>
            <th scope="col">Event</th>
            <th scope="col">Time</th>
            <th scope="col">Captured by</th>
          </tr>
        </thead>
        <tbody>
          {trace.edges.map((e) => (
            <tr key={`${e.eventID} ${e.from} ${e.to}`}>
              <td title={e.from}>{shortId(e.from)}</td>
              <td title={e.to}>{shortId(e.to)}</td>
              <td>
                <button
                  type="button"
                  className="link"
                  onClick={() => select({ kind: 'event', eventID: e.eventID })}
                >
                  {e.eventType} {e.bizStep ?? ''}
                </button>
              </td>
              <td>{e.eventTime}</td>
              <td>{names.org(e.org)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** Verifies every event of the custody chain (GET …/trace?proofs=true) in the worker. */
function VerifyChain({ trace, id, direction }: { trace: Trace; id: string; direction: Direction }) {
  const { api } = useApp();
  const anchor = useAnchor();
  const [open, setOpen] = useState(false);
  const [results, setResults] = useState<VerifyResult[] | undefined>();
  const [error, setError] = useState('');
  const run = async () => {
    if (!anchor) return;
    setResults(undefined);
    setError('');
    try {
      const t = must(
        await api.GET('/objects/{id}/trace', {
          params: { path: { id }, query: { direction, proofs: true } },
        }),
      );
      setResults(await verifyInWorker(t.proofs ?? [], anchor.genesis));
    } catch (err) {
      setError(err instanceof ApiError ? `${err.code}: ${err.message}` : String(err));
    }
  };
  if (!open)
    return (
      <p>
        <button type="button" onClick={() => setOpen(true)}>
          Verify the whole chain ({trace.custody.length} events)
        </button>
      </p>
    );
  const failed = results?.filter((r) => !r.ok) ?? [];
  return (
    <section aria-label="Verify the chain" className="verify">
      <h2>Verify the chain</h2>
      <GenesisLoader />
      <button type="button" onClick={run} disabled={!anchor}>
        Verify chain
      </button>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {results && (
        <p className={failed.length === 0 ? 'pass' : 'fail'} role="status">
          {failed.length === 0
            ? `✓ All ${results.length} proofs of the chain verified`
            : `✗ ${failed.length} of ${results.length} proofs FAILED; first: ${failed[0]?.failure?.check}: ${failed[0]?.failure?.message}`}
        </p>
      )}
    </section>
  );
}
