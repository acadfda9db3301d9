import { useState } from 'react';
import { must, type ObjectState } from '../api.js';
import { Copy, Flags, Loaded, STATUS_TEXT, shortId, useApp, useLoad, useNames } from '../common.js';
import { href } from '../route.js';
import { VerifyProof } from './verify.js';

function IdLinks({ ids, label }: { ids: readonly string[] | undefined; label: string }) {
  if (!ids || ids.length === 0) return null;
  return (
    <>
      <dt>{label}</dt>
      <dd>
        <ul className="plain">
          {ids.map((id) => (
            <li key={id}>
              <a href={href(['object', id])} title={id}>
                {shortId(id)}
              </a>
            </li>
          ))}
        </ul>
      </dd>
    </>
  );
}

export function ObjectPage({ id }: { id: string }) {
  const { api } = useApp();
  const load = useLoad(
    async () => must(await api.GET('/objects/{id}', { params: { path: { id } } })),
    [api, id],
  );
  return (
    <section>
      <Loaded load={load} notFound="No such object is visible to your organisation at this node.">
        {(o) => <ObjectCard o={o} />}
      </Loaded>
    </section>
  );
}

function ObjectCard({ o }: { o: ObjectState }) {
  const names = useNames();
  const [prove, setProve] = useState(false);
  return (
    <>
      <h1 title={o.id}>{shortId(o.id)}</h1>
      <p className="ids">
        <code>{o.id}</code> <Copy text={o.id} />
      </p>
      <Flags flags={o.flags} />
      <nav className="actions" aria-label="Trace">
        <a className="button" href={href(['trace', o.id], { view: 'journey' })}>
          Trace
        </a>
        <a className="button" href={href(['trace', o.id], { view: 'lineage' })}>
          Lineage
        </a>
        {(o.flags.includes('recalled') || o.flags.includes('contains_recalled')) && (
          <a className="button" href={href(['recall', o.id])}>
            Recall report
          </a>
        )}
      </nav>
      <dl className="state">
        <dt>Owner</dt>
        <dd>{names.org(o.owner)}</dd>
        <dt>Custodian</dt>
        <dd>{names.org(o.custodian)}</dd>
        <dt>Status</dt>
        <dd>{STATUS_TEXT[o.status] ?? o.status}</dd>
        {o.consignee && (
          <>
            <dt>Consignee</dt>
            <dd>{names.org(o.consignee)}</dd>
          </>
        )}
        <dt>Location</dt>
        <dd>{names.site(o.location)}</dd>
        <dt>Temperature range</dt>
        <dd>{o.temperature ? `${o.temperature.min} – ${o.temperature.max} °C` : 'none set'}</dd>
        {o.commissioner && (
          <>
            <dt>Commissioned by</dt>
            <dd>{names.org(o.commissioner)}</dd>
          </>
        )}
        {o.parent && <IdLinks ids={[o.parent]} label="Parent" />}
        <IdLinks ids={o.children} label="Children" />
        <IdLinks ids={o.inputs} label="Inputs" />
        <IdLinks ids={o.outputs} label="Outputs" />
        <dt>Last event</dt>
        <dd>
          <a href={href(['event', o.lastEventID])}>{o.lastEventID}</a>
        </dd>
      </dl>
      <h2>Prove the state</h2>
      {prove ? (
        <VerifyProof what={{ kind: 'state', id: o.id }} />
      ) : (
        <button type="button" onClick={() => setProve(true)}>
          Prove this state
        </button>
      )}
    </>
  );
}
