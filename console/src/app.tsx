import { type FormEvent, lazy, Suspense, useEffect, useMemo, useState } from 'react';
import { client, type Genesis, setExpiredHandler } from './api.js';
import { Ctx, useApp } from './common.js';
import { href, navigate, useRoute } from './route.js';
import { parseSearch } from './search.js';
import { type Session, storedSession, storeSession } from './session.js';
import { EventPage } from './views/event.js';
import { Home } from './views/home.js';
import { BlockPage, GtinPage, TxPage } from './views/lookup.js';
import { ObjectPage } from './views/object.js';
import { SignIn } from './views/sign-in.js';
// The trace page is in the initial bundle (about 6 kB gzipped): a trace link starts its request at
// once instead of after a chunk's round trip; its graph (lineage.tsx) still loads on demand.
import { TracePage } from './views/trace.js';

// Views beyond the first screen load on demand: the graph library and the verifier stay out of the initial bundle.
const NetworkPage = lazy(() => import('./views/network.js').then((m) => ({ default: m.NetworkPage })));
const RecallPage = lazy(() => import('./views/recall.js').then((m) => ({ default: m.RecallPage })));

export function App() {
  const [session, setSession] = useState<Session | undefined>(() => storedSession());
  const [expired, setExpired] = useState(false);
  const [genesis, setGenesis] = useState<Genesis | undefined>();
  useEffect(() => {
    setExpiredHandler(() => {
      storeSession(undefined);
      setSession(undefined);
      setExpired(true);
    });
  }, []);
  const api = useMemo(() => client(session?.token), [session]);
  useEffect(() => {
    if (session) void api.GET('/genesis').then((r) => r.data && setGenesis(r.data));
  }, [api, session]);
  if (!session)
    return (
      <SignIn
        expired={expired}
        onSignIn={(s, org) => {
          storeSession(s, org);
          setExpired(false);
          setSession(s);
        }}
      />
    );
  return (
    <Ctx.Provider value={{ api, session, genesis }}>
      <Header
        onSignOut={() => {
          storeSession(undefined);
          setSession(undefined);
        }}
      />
      <main id="main" tabIndex={-1}>
        <Suspense
          fallback={
            <p className="muted" role="status">
              Loading…
            </p>
          }
        >
          <Page />
        </Suspense>
      </main>
    </Ctx.Provider>
  );
}

function Page() {
  const { path, params } = useRoute();
  const [view, a = '', b] = path;
  switch (view) {
    case 'object':
      return <ObjectPage id={a} />;
    case 'trace':
      return <TracePage id={a} params={params} />;
    case 'recall':
      return <RecallPage id={a} />;
    case 'event':
      return <EventPage eventID={a} disclose={params.get('disclose')?.split(',').filter(Boolean)} />;
    case 'block':
      return <BlockPage height={Number(a)} />;
    case 'tx':
      return <TxPage txId={a} />;
    case 'gtin':
      return <GtinPage gtin={a} pattern={b ?? ''} />;
    case 'network':
      return <NetworkPage />;
    default:
      return <Home />;
  }
}

function expiry(exp: number | undefined, now: number): string {
  if (exp === undefined) return 'no expiry';
  const left = Math.round(exp - now / 1000);
  if (left <= 0) return 'expired';
  const h = Math.floor(left / 3600);
  const m = Math.floor((left % 3600) / 60);
  return `expires in ${h > 0 ? `${h} h ` : ''}${m} min (${new Date(exp * 1000).toISOString().slice(0, 16).replace('T', ' ')} UTC)`;
}

function Header({ onSignOut }: { onSignOut: () => void }) {
  const { session } = useApp();
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(t);
  }, []);
  return (
    <header className="top">
      {/* A button, not a #main link: the fragment holds the route. */}
      <button type="button" className="skip" onClick={() => document.getElementById('main')?.focus()}>
        Skip to content
      </button>
      <a className="brand" href={href([])}>
        Waybill console
      </a>
      <SearchBox />
      <nav aria-label="Sections">
        <a href={href(['network'])}>Network</a>
      </nav>
      <dl className="who" aria-label="Signed in as">
        <dt>Organisation</dt>
        <dd>{session.org}</dd>
        <dt>Subject</dt>
        <dd>{session.sub}</dd>
        <dt>Roles</dt>
        <dd>{session.roles.join(', ') || 'none'}</dd>
        <dt>Session</dt>
        <dd>{expiry(session.exp, now)}</dd>
      </dl>
      <button type="button" className="small" onClick={onSignOut}>
        Sign out
      </button>
    </header>
  );
}

function SearchBox() {
  const [text, setText] = useState('');
  const [error, setError] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const t = parseSearch(text);
    setError('');
    switch (t.kind) {
      case 'error':
        setError(t.message);
        return;
      case 'object':
        return navigate(href(['object', t.id]));
      case 'gtin':
        return navigate(href(['gtin', t.gtin, t.pattern]));
      case 'event':
        return navigate(href(['event', t.eventID]));
      case 'block':
        return navigate(href(['block', t.height]));
      case 'tx':
        return navigate(href(['tx', t.txId]));
    }
  };
  return (
    <search className="search">
      <form onSubmit={submit}>
        <input
          type="search"
          aria-label="Search"
          placeholder="EPC, Digital Link, (01)…(21)…, GTIN, SSCC, eventID, height, tx id"
          value={text}
          onChange={(e) => setText(e.target.value)}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? 'search-error' : undefined}
        />
        <button type="submit">Go</button>
        {error && (
          <p id="search-error" className="error search-error" role="alert">
            {error}
          </p>
        )}
      </form>
    </search>
  );
}
