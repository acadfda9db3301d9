import { createContext, type ReactNode, useContext, useEffect, useMemo, useState } from 'react';
import { epcToDigitalLink } from '../../services/epcis/epc-uri.js';
import { ApiError, type Client, type Genesis } from './api.js';
import type { Session } from './session.js';

export interface AppContext {
  api: Client;
  session: Session;
  genesis: Genesis | undefined;
}

export const Ctx = createContext<AppContext | undefined>(undefined);

export function useApp(): AppContext {
  const c = useContext(Ctx);
  if (!c) throw new Error('outside the signed-in app');
  return c;
}

export type Load<T> =
  | { state: 'loading' }
  | { state: 'ready'; data: T }
  | { state: 'error'; error: ApiError };

/** Runs `fn` when a dependency changes and keeps the latest answer (earlier ones are dropped). */
export function useLoad<T>(fn: () => Promise<T>, deps: unknown[]): Load<T> {
  const [load, setLoad] = useState<Load<T>>({ state: 'loading' });
  useEffect(() => {
    let live = true;
    setLoad({ state: 'loading' });
    fn().then(
      (data) => live && setLoad({ state: 'ready', data }),
      (err: unknown) =>
        live &&
        setLoad({
          state: 'error',
          error:
            err instanceof ApiError
              ? err
              : new ApiError(0, 'NETWORK', err instanceof Error ? err.message : String(err)),
        }),
    );
    return () => {
      live = false;
    };
    // biome-ignore lint/correctness/useExhaustiveDependencies: the caller names what the load depends on
  }, deps);
  return load;
}

/** Loading and error states in words, or the children with the data. */
export function Loaded<T>({
  load,
  children,
  notFound,
}: {
  load: Load<T>;
  children: (data: T) => ReactNode;
  /** What a 404 means here in words (with per-caller visibility, also "not yours to see"). */
  notFound?: string;
}) {
  if (load.state === 'loading')
    return (
      <p className="muted" role="status">
        Loading…
      </p>
    );
  if (load.state === 'error')
    return (
      <p className="error" role="alert">
        {notFound && load.error.status === 404 ? `${notFound} ` : ''}
        {load.error.code}: {load.error.message}
      </p>
    );
  return <>{children(load.data)}</>;
}

/** What a sealed event's public view names a party outside the consortium by (services/privacy/tiers.ts). */
export const NON_MEMBER = 'urn:waybill:sealed:non-member';

/** Member, party and site names from the genesis (no master data exists for site names). */
export function useNames() {
  const { genesis } = useApp();
  // One object per genesis, so views can memoize what they label with it.
  return useMemo(() => {
    const members = genesis?.members ?? [];
    const org = (id: string | null | undefined) =>
      id ? (members.find((m) => m.id === id)?.name ?? id) : '—';
    const party = (pgln: string | null | undefined) =>
      pgln === NON_MEMBER
        ? 'a party outside the consortium (sealed)'
        : pgln
          ? (members.find((m) => m.parties.includes(pgln))?.name ?? pgln)
          : '—';
    const site = (sgln: string | null | undefined) => {
      if (!sgln) return '—';
      // The custody state holds locations as Digital Links, genesis as SGLN URNs: compare both forms.
      const key = epcToDigitalLink(sgln) ?? sgln;
      const m = members.find((x) => x.locations.some((l) => l === sgln || epcToDigitalLink(l) === key));
      return m ? `${m.name} site (${sgln.replace(/^urn:epc:id:sgln:|^https:\/\/id\.gs1\.org\//, '')})` : sgln;
    };
    return { org, party, site };
  }, [genesis]);
}

const FLAG_TEXT: Record<string, { text: string; icon: string }> = {
  // Symbols every system font has (no emoji font needed).
  recalled: { text: 'Recalled', icon: '⊘' },
  contains_recalled: { text: 'Contains recalled', icon: '⚠' },
  temperature_excursion: { text: 'Cold-chain excursion', icon: '❄' },
  decommissioned: { text: 'Decommissioned', icon: '✕' },
};

export const flagText = (f: string) => FLAG_TEXT[f]?.text ?? f.replace(/_/g, ' ');

/** Flags as icon and text, never colour alone. */
export function Flags({ flags }: { flags: readonly string[] | undefined }) {
  if (!flags || flags.length === 0) return null;
  return (
    <ul className="flags">
      {flags.map((f) => (
        <li key={f} className={`flag flag-${f}`}>
          <span aria-hidden="true">{FLAG_TEXT[f]?.icon ?? '•'}</span> <span>{flagText(f)}</span>
        </li>
      ))}
    </ul>
  );
}

/** A short, readable label of a Digital Link or EPC (the full id stays in the accessible name/title). */
export function shortId(id: string): string {
  const dl = /^https:\/\/id\.gs1\.org\/(.+)$/.exec(id);
  if (dl)
    return (dl[1] ?? id)
      .replace(/^01\//, 'GTIN ')
      .replace(/^00\//, 'SSCC ')
      .replace('/21/', ' · ')
      .replace('/10/', ' lot ');
  return id.length > 48 ? `${id.slice(0, 22)}…${id.slice(-22)}` : id;
}

export function Copy({ text }: { text: string }) {
  const [done, setDone] = useState(false);
  return (
    <button
      type="button"
      className="small"
      aria-label={`Copy ${text}`}
      onClick={() => {
        void navigator.clipboard?.writeText(text).then(() => setDone(true));
      }}
    >
      {done ? 'Copied' : 'Copy'}
    </button>
  );
}

/** Saves bytes as a file through a blob: link (no request leaves the page). */
export function saveFile(name: string, body: BlobPart, type: string): void {
  const url = URL.createObjectURL(new Blob([body], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export const STATUS_TEXT: Record<string, string> = {
  active: 'Active',
  in_transit: 'In transit',
  consumed: 'Consumed',
  destroyed: 'Destroyed',
};

/** Reason codes of the custody rules (contracts/custody.yaml, docs/contracts.md) in plain words. */
export const REASONS: Record<string, string> = {
  ALREADY_EXISTS: 'The object was already commissioned; nothing is commissioned twice.',
  CUSTODY_NOT_HELD: 'The sender did not hold the goods it tried to ship.',
  INPUT_NOT_HELD: 'A transformation used inputs its organisation did not hold.',
  INSUFFICIENT_QUANTITY: 'More was taken from a lot than it held.',
  INVALID_AGGREGATION: 'The packing or unpacking did not match what the container held.',
  INVALID_QUANTITY: 'A quantity was not a positive amount.',
  NOT_ACTIVE: 'The object was consumed, destroyed or in transit, so it could not be used.',
  NOT_COMMISSIONER: 'Only the organisation that commissioned an object may recall it.',
  NOT_CONSIGNEE: 'Only the organisation it was shipped to may receive it.',
  NOT_IN_TRANSIT: 'It was received although it had not been shipped.',
  NOT_PACKED: 'It was unpacked from a container it was not in.',
  RECALLED: 'Recalled goods may not be shipped or used.',
  UNKNOWN_OBJECT: 'The event names an object no event commissioned.',
  UNKNOWN_PARTY: 'The event names a party that is no member of the network.',
  RULE_ERROR: 'A custody rule failed while running (a rule-set defect, not the event).',
};
