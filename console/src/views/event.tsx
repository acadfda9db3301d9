import { eventOf, must } from '../api.js';
import { Loaded, useApp, useLoad, useNames } from '../common.js';
import { href } from '../route.js';
import { Disclosure, EventFields, sealedRef } from './sealed.js';
import { VerifyProof } from './verify.js';

/**
 * The event as stored (text only: other members' data is untrusted), its ledger status and Verify;
 * its fields in words with what is sealed marked as sealed, and selective disclosure
 * (`disclose`: the paths `#/event/<id>?disclose=a,b` preselects).
 */
export function EventDetails({
  eventID,
  headingLevel = 2,
  disclose = [],
}: {
  eventID: string;
  headingLevel?: 1 | 2;
  disclose?: string[];
}) {
  const { api } = useApp();
  const names = useNames();
  const load = useLoad(async () => {
    const [event, status] = await Promise.all([
      api
        .GET('/events/{eventID}', { params: { path: { eventID } } })
        .then(must)
        .then(eventOf),
      api.GET('/events/{eventID}/status', { params: { path: { eventID } } }).then(must),
    ]);
    return { event, status };
  }, [api, eventID]);
  const H = headingLevel === 1 ? 'h1' : 'h2';
  return (
    <Loaded load={load} notFound="No such event is visible to your organisation at this node.">
      {({ event, status }) => {
        const e = event as Record<string, unknown>;
        const sealed = sealedRef(e);
        return (
          <>
            <H>
              {String(e.type)} {e.bizStep ? `· ${String(e.bizStep).replace(/^.*[:/]/, '')}` : ''}
            </H>
            <dl className="state">
              <dt>Event ID</dt>
              <dd>
                <code>{eventID}</code>
              </dd>
              <dt>Status</dt>
              <dd>
                {status.status}
                {status.reason ? ` — ${status.reason.code}: ${status.reason.message}` : ''}
              </dd>
              <dt>Captured by</dt>
              <dd>
                {names.org(status.org)}{' '}
                {/* A sealed network seals the submitting client's identity (docs/privacy.md). */}
                {status.submitter ? `(submitter ${status.submitter})` : sealed ? '(submitter sealed)' : ''}
              </dd>
              <dt>Block</dt>
              <dd>
                {status.blockHeight === null ? (
                  'not yet'
                ) : (
                  <a href={href(['block', status.blockHeight])}>
                    {status.blockHeight} · {status.blockHash?.slice(0, 16)}…
                  </a>
                )}
              </dd>
              <dt>Transaction</dt>
              <dd>
                <code>{status.txId}</code>
              </dd>
            </dl>
            <EventFields event={e} />
            <VerifyProof what={{ kind: 'event', eventID }} />
            {sealed && <Disclosure eventID={eventID} sealed={sealed} initial={disclose} />}
            <h3>The event as stored</h3>
            <section aria-label="Event JSON">
              {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling box must be reachable by keyboard (WCAG 2.1.1) */}
              <pre className="json" tabIndex={0}>
                {JSON.stringify(event, null, 2)}
              </pre>
            </section>
          </>
        );
      }}
    </Loaded>
  );
}

export function EventPage({ eventID, disclose }: { eventID: string; disclose?: string[] }) {
  return (
    <section>
      <EventDetails eventID={eventID} headingLevel={1} disclose={disclose} />
    </section>
  );
}
