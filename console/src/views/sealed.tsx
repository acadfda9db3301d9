import { type ReactNode, useId, useState } from 'react';
import { ApiError, must } from '../api.js';
import { NON_MEMBER, saveFile, useApp, useNames } from '../common.js';
import { useAnchor, type VerifyResult, verifyInWorker } from '../verifier.js';
import { CheckList } from './verify.js';

// Sealed networks (docs/privacy.md): a node serves an event whole where its organisation is a
// recipient ("wb:sealed": {held: true, fields: [paths]}), elsewhere the public view
// ({held: false}). What the caller cannot read is shown as sealed, never as missing data.

/** The marker's words: also what tests and screen readers find. */
export const SEALED_TEXT = 'Sealed — served by the parties’ own nodes';

export interface SealedRef {
  held: boolean;
  /** Held events only: the paths `?disclose=` takes. */
  fields: string[];
}

export function sealedRef(event: Record<string, unknown>): SealedRef | undefined {
  const ref = event['wb:sealed'] as { held?: unknown; fields?: unknown } | undefined;
  if (!ref || typeof ref !== 'object') return undefined;
  const fields = Array.isArray(ref.fields)
    ? ref.fields.filter((f): f is string => typeof f === 'string')
    : [];
  return { held: ref.held === true, fields };
}

/** A sealed field the caller cannot read: an icon and words (never colour alone, never a blank). */
export function Sealed({ what, compact = false }: { what?: string; compact?: boolean }) {
  // In a table cell the words after "Sealed" are for screen readers and the tooltip only.
  const [first, rest] = SEALED_TEXT.split(' — ');
  return (
    <span className={compact ? 'sealed compact' : 'sealed'} title={compact ? SEALED_TEXT : undefined}>
      <span aria-hidden="true">⊠ </span>
      {compact ? (
        <>
          {first}
          <span className="sr-only"> — {rest}</span>
        </>
      ) : (
        SEALED_TEXT
      )}
      {what ? <span className="muted"> ({what})</span> : null}
    </span>
  );
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const word = (v: unknown) => (typeof v === 'string' ? v.replace(/^.*[:/#]/, '') : String(v ?? ''));
const short = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));

/** Top-level fields the public view keeps whole or in part; any other field is sealed entirely. */
const SHOWN = new Set([
  '@context',
  'type',
  'action',
  'bizStep',
  'disposition',
  'eventID',
  'errorDeclaration',
  'eventTime',
  'eventTimeZoneOffset',
  'recordTime',
  'epcList',
  'parentID',
  'childEPCs',
  'inputEPCList',
  'outputEPCList',
  'quantityList',
  'childQuantityList',
  'inputQuantityList',
  'outputQuantityList',
  'readPoint',
  'bizLocation',
  'bizTransactionList',
  'sourceList',
  'destinationList',
  'ilmd',
  'sensorElementList',
  'wb:sealed',
]);

/**
 * The event's fields an auditor asks about, in words. In an event whose sealed part this node does
 * not hold, a field the public view leaves out (business transactions, a site or party outside the
 * consortium, the rest of ilmd, extension fields) is shown as sealed.
 */
export function EventFields({ event }: { event: Record<string, unknown> }) {
  const names = useNames();
  const ref = sealedRef(event);
  const elsewhere = ref !== undefined && !ref.held;
  /** A field's value, or Sealed where the public view leaves it out, or "none". */
  const field = (value: unknown, show: (v: unknown) => ReactNode, partly = false): ReactNode => {
    const empty =
      value === undefined ||
      value === null ||
      (Array.isArray(value) && value.length === 0) ||
      (isRecord(value) && Object.keys(value).length === 0);
    if (empty) return elsewhere ? <Sealed /> : 'none';
    return (
      <>
        {show(value)}
        {elsewhere && partly && (
          <div>
            <Sealed what="any further entries" />
          </div>
        )}
      </>
    );
  };
  const place = (v: unknown) => {
    const id = isRecord(v) ? v.id : undefined;
    return typeof id === 'string' ? names.site(id) : short(v);
  };
  const parties = (key: 'source' | 'destination') => (v: unknown) => (
    <ul className="plain">
      {(v as unknown[]).map((e, i) => {
        const entry = isRecord(e) ? e : {};
        const id = entry[key];
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: list entries are positional (their path is key/i)
          <li key={i}>
            {word(entry.type)}:{' '}
            {id === NON_MEMBER ? (
              <Sealed what="not a member" />
            ) : word(entry.type) === 'location' ? (
              names.site(String(id))
            ) : (
              names.party(String(id))
            )}
          </li>
        );
      })}
    </ul>
  );
  const extensions = Object.keys(event).filter((k) => !SHOWN.has(k));
  return (
    <>
      {ref && (
        <p className={ref.held ? 'muted' : 'sealed-note'}>
          {ref.held ? (
            <>
              Your organisation receives this event: this node holds its {ref.fields.length} sealed field
              {ref.fields.length === 1 ? '' : 's'} and shows them below.
            </>
          ) : (
            <>
              <Sealed /> Fields outside the public view are sealed to the event’s recipients; your
              organisation is not one of them, so this node shows the public view.
            </>
          )}
        </p>
      )}
      <dl className="state fields">
        <dt>Event time</dt>
        <dd>
          {String(event.eventTime ?? '')} {String(event.eventTimeZoneOffset ?? '')}
        </dd>
        <dt>Read point</dt>
        <dd>{field(event.readPoint, place)}</dd>
        <dt>Business location</dt>
        <dd>{field(event.bizLocation, place)}</dd>
        <dt>Business transactions</dt>
        <dd>
          {field(event.bizTransactionList, (v) => (
            <ul className="plain">
              {(v as unknown[]).map((b, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: list entries are positional
                <li key={i}>{isRecord(b) ? `${word(b.type)}: ${short(b.bizTransaction)}` : short(b)}</li>
              ))}
            </ul>
          ))}
        </dd>
        <dt>Sources</dt>
        <dd>{field(event.sourceList, parties('source'))}</dd>
        <dt>Destinations</dt>
        <dd>{field(event.destinationList, parties('destination'))}</dd>
        <dt>Instance/lot master data</dt>
        <dd>
          {field(
            event.ilmd,
            (v) => (
              <ul className="plain">
                {Object.entries(v as Record<string, unknown>).map(([k, x]) => (
                  <li key={k}>
                    {k}: {short(x)}
                  </li>
                ))}
              </ul>
            ),
            true,
          )}
        </dd>
        <dt>Other fields</dt>
        <dd>
          {extensions.length > 0 ? (
            <ul className="plain">
              {extensions.map((k) => (
                <li key={k}>
                  {k}: {short(event[k])}
                </li>
              ))}
            </ul>
          ) : elsewhere ? (
            <Sealed />
          ) : (
            'none'
          )}
        </dd>
      </dl>
    </>
  );
}

/** The disclosed fields of a verified v2 proof. */
export function Disclosed({ result }: { result: VerifyResult }) {
  if (!result.ok || !result.disclosed?.length) return null;
  return (
    <table className="grid disclosed">
      <caption>Disclosed sealed fields, verified against the event’s commitment</caption>
      <thead>
        <tr>
          <th scope="col">Field</th>
          <th scope="col">Value</th>
        </tr>
      </thead>
      <tbody>
        {result.disclosed.map((d) => (
          <tr key={d.path}>
            <td>
              <code>{d.path}</code>
            </td>
            <td>
              <code>{short(d.value)}</code>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function useVerified() {
  const [state, setState] = useState<
    | { state: 'idle' }
    | { state: 'busy' }
    | { state: 'error'; message: string }
    | { state: 'done'; result: VerifyResult; proof: unknown }
  >({ state: 'idle' });
  const run = async (genesis: unknown, fetchProof: () => Promise<unknown>) => {
    setState({ state: 'busy' });
    try {
      const proof = await fetchProof();
      const [result] = await verifyInWorker([proof], genesis);
      setState(result ? { state: 'done', result, proof } : { state: 'error', message: 'no result' });
    } catch (err) {
      setState({
        state: 'error',
        message: err instanceof ApiError ? `${err.code}: ${err.message}` : String(err),
      });
    }
  };
  return { state, run };
}

function Outcome({ v, eventID }: { v: ReturnType<typeof useVerified>['state']; eventID: string }) {
  if (v.state === 'busy') return <p role="status">Verifying…</p>;
  if (v.state === 'error')
    return (
      <p className="error" role="alert">
        {v.message}
      </p>
    );
  if (v.state !== 'done') return null;
  const provenID = (v.proof as { event?: { eventID?: unknown } } | null)?.event?.eventID;
  return (
    <>
      {provenID !== eventID && (
        <p className="warning" role="alert">
          This proof is about another event ({String(provenID)}), not {eventID}.
        </p>
      )}
      <CheckList result={v.result} proof={v.proof} />
      <Disclosed result={v.result} />
      <button
        type="button"
        className="small"
        onClick={() =>
          saveFile(
            `proof-${eventID.replace(/[^A-Za-z0-9]+/g, '_').slice(-40)}.json`,
            JSON.stringify(v.proof, null, 2),
            'application/json',
          )
        }
      >
        Download proof
      </button>
    </>
  );
}

/**
 * Selective disclosure (docs/privacy.md): at a recipient's node, choose sealed fields, get the
 * `?disclose=` proof and verify it here; elsewhere, verify a disclosure proof file a recipient sent.
 */
export function Disclosure({
  eventID,
  sealed,
  initial,
}: {
  eventID: string;
  sealed: SealedRef;
  initial: string[];
}) {
  const { api } = useApp();
  const anchor = useAnchor();
  const [chosen, setChosen] = useState(() => new Set(initial.filter((p) => sealed.fields.includes(p))));
  const v = useVerified();
  const fileId = useId();
  return (
    <section className="verify" aria-label="Disclose sealed fields">
      <h3>Disclose sealed fields</h3>
      {sealed.held ? (
        <>
          <fieldset>
            <legend>Sealed fields this node holds</legend>
            {sealed.fields.map((path) => (
              <label key={path} className="check">
                <input
                  type="checkbox"
                  checked={chosen.has(path)}
                  onChange={(e) => {
                    const next = new Set(chosen);
                    if (e.target.checked) next.add(path);
                    else next.delete(path);
                    setChosen(next);
                  }}
                />{' '}
                <code>{path}</code>
              </label>
            ))}
          </fieldset>
          <button
            type="button"
            disabled={!anchor || chosen.size === 0 || v.state.state === 'busy'}
            onClick={() =>
              anchor &&
              v.run(anchor.genesis, async () =>
                must(
                  await api.GET('/events/{eventID}/proof', {
                    params: { path: { eventID }, query: { disclose: [...chosen].join(',') } },
                  }),
                ),
              )
            }
          >
            Disclose and verify
          </button>
        </>
      ) : (
        <p className="muted">
          Only a recipient’s node can disclose these fields. Ask the parties for a disclosure proof (their
          node’s <code>GET /events/…/proof?disclose=…</code>) and verify it here.
        </p>
      )}
      <p>
        <label htmlFor={fileId}>Disclosure proof file</label>{' '}
        <input
          id={fileId}
          type="file"
          accept="application/json,.json"
          disabled={!anchor}
          onChange={async (e) => {
            const file = e.target.files?.[0];
            if (file && anchor)
              await v.run(anchor.genesis, async () => JSON.parse(await file.text()) as unknown);
          }}
        />
      </p>
      {!anchor && <p className="muted">Load a genesis file first (under Verify above).</p>}
      <Outcome v={v.state} eventID={eventID} />
    </section>
  );
}
