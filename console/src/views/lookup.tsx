import { epcToDigitalLink } from '../../../services/epcis/epc-uri.js';
import { must } from '../api.js';
import { Loaded, shortId, useApp, useLoad, useNames } from '../common.js';
import { href } from '../route.js';

export function BlockPage({ height }: { height: number }) {
  const { api } = useApp();
  const names = useNames();
  const load = useLoad(
    async () => must(await api.GET('/blocks/{height}', { params: { path: { height } } })),
    [api, height],
  );
  return (
    <section>
      <h1>Block {height}</h1>
      <Loaded load={load}>
        {(b) => (
          <>
            <dl className="state">
              <dt>Hash</dt>
              <dd>
                <code className="hash">{b.hash}</code>
              </dd>
              <dt>Time</dt>
              <dd>{new Date(b.header.timestamp).toISOString()}</dd>
              <dt>Transactions</dt>
              <dd>{b.header.txCount}</dd>
              <dt>Signed by</dt>
              <dd>
                {b.certificate.signatures.map((s) => names.org(s.member)).join(', ')} (round{' '}
                {b.certificate.round})
              </dd>
            </dl>
            <h2>Transaction ids</h2>
            <ul className="plain">
              {b.txIds.map((t) => (
                <li key={t}>
                  <a href={href(['tx', t])}>
                    <code>{t}</code>
                  </a>
                </li>
              ))}
            </ul>
          </>
        )}
      </Loaded>
    </section>
  );
}

export function TxPage({ txId }: { txId: string }) {
  const { api } = useApp();
  const load = useLoad(
    async () => must(await api.GET('/capture/{captureID}', { params: { path: { captureID: txId } } })),
    [api, txId],
  );
  return (
    <section>
      <h1>Transaction</h1>
      <p>
        <code>{txId}</code>
      </p>
      <Loaded load={load}>
        {(job) => (
          <dl className="state">
            <dt>Outcome</dt>
            <dd>{job.running ? 'pending' : job.success ? 'committed' : 'rejected'}</dd>
            {job.blockHeight !== undefined && (
              <>
                <dt>Block</dt>
                <dd>
                  <a href={href(['block', job.blockHeight])}>{job.blockHeight}</a>
                </dd>
              </>
            )}
            {job.errors.length > 0 && (
              <>
                <dt>Errors</dt>
                <dd>
                  <ul className="plain">
                    {job.errors.map((e) => (
                      <li key={`${e.eventID}${e.code}`}>
                        {e.code}: {e.message} {e.eventID && <a href={href(['event', e.eventID])}>event</a>}
                      </li>
                    ))}
                  </ul>
                </dd>
              </>
            )}
          </dl>
        )}
      </Loaded>
    </section>
  );
}

/** Every object of a GTIN that an event names (GET /events?MATCH_anyEPC=<pattern>). */
export function GtinPage({ gtin, pattern }: { gtin: string; pattern: string }) {
  const { api } = useApp();
  const load = useLoad(async () => {
    const r = must(
      await api.GET('/events', { params: { query: { MATCH_anyEPC: pattern, perPage: 500 } as never } }),
    );
    const prefix = `https://id.gs1.org/01/${gtin}/`;
    const ids = new Set<string>();
    const text = JSON.stringify(r);
    for (const m of text.matchAll(/"(urn:epc:id:sgtin:[^"]+|https:\/\/id\.gs1\.org\/01\/[^"]+)"/g)) {
      const id = m[1] as string;
      ids.add(id.startsWith('urn:') ? (epcToDigitalLink(id) ?? id) : id);
    }
    return [...ids].filter((i) => i.startsWith(prefix)).sort();
  }, [api, gtin, pattern]);
  return (
    <section>
      <h1>GTIN {gtin}</h1>
      <Loaded load={load}>
        {(ids) =>
          ids.length === 0 ? (
            <p>No committed event names an object of this GTIN.</p>
          ) : (
            <ul className="plain">
              {ids.map((id) => (
                <li key={id}>
                  <a href={href(['object', id])}>{shortId(id)}</a>
                </li>
              ))}
            </ul>
          )
        }
      </Loaded>
    </section>
  );
}
