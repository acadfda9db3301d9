import { eventOf, must } from '../api.js';
import { Loaded, useApp, useLoad, useNames } from '../common.js';
import { href } from '../route.js';
import { VerifyProof } from './verify.js';

/** The event as stored (text only: other members' data is untrusted), its ledger status and Verify. */
export function EventDetails({ eventID, headingLevel = 2 }: { eventID: string; headingLevel?: 1 | 2 }) {
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
    <Loaded load={load}>
      {({ event, status }) => {
        const e = event as Record<string, unknown>;
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
                {names.org(status.org)} (submitter {status.submitter})
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
            <VerifyProof what={{ kind: 'event', eventID }} />
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

export function EventPage({ eventID }: { eventID: string }) {
  return (
    <section>
      <EventDetails eventID={eventID} headingLevel={1} />
    </section>
  );
}
