import { type components, createWaybillClient } from '../../services/client/index.js';

export type Schemas = components['schemas'];
export type Trace = Schemas['Trace'];
export type TraceNode = Schemas['TraceNode'];
export type TraceEdge = Schemas['TraceEdge'];
export type CustodyStep = Schemas['CustodyStep'];
export type ObjectState = Schemas['ObjectState'];
export type Genesis = Schemas['Genesis'];

/** A problem+json answer (RFC 9457) or a network failure, as the views show it. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

let onExpired: () => void = () => {};
/** Called on any 401: the app says the session expired and keeps the URL. */
export function setExpiredHandler(handler: () => void): void {
  onExpired = handler;
}

/** The node's typed client (openapi-fetch over api/openapi.yaml), same origin, with the auditor's token. */
export function client(token: string | undefined) {
  const watched = async (input: RequestInfo | URL, init?: RequestInit) => {
    const res = await fetch(input, init);
    if (res.status === 401 && token) onExpired();
    return res;
  };
  return createWaybillClient(window.location.origin, token, watched as typeof fetch);
}

export type Client = ReturnType<typeof client>;

/** The data of an openapi-fetch answer, or an ApiError with the problem's code. */
export function must<T>(r: { data?: T; error?: unknown; response: Response }): T {
  if (r.data !== undefined && r.response.ok) return r.data;
  const p = (r.error ?? {}) as { code?: string; detail?: string; title?: string };
  throw new ApiError(
    r.response.status,
    p.code ?? `HTTP_${r.response.status}`,
    p.detail ?? p.title ?? r.response.statusText,
  );
}

/**
 * The event of GET /events/{eventID}, which answers an EPCISQueryDocument holding it (as GS1's
 * REST binding declares); the views show and read the event itself.
 */
export function eventOf(document: unknown): Record<string, unknown> {
  const doc = document as { epcisBody?: { queryResults?: { resultsBody?: { eventList?: unknown[] } } } };
  const [event] = doc.epcisBody?.queryResults?.resultsBody?.eventList ?? [];
  return (event ?? {}) as Record<string, unknown>;
}
