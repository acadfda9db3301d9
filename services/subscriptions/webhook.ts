import { MAX_URI_LENGTH } from '../epcis/index.js';

/** The outcome of one POST to a subscriber: its HTTP status. */
export interface WebhookResponse {
  status: number;
}

/** Sends one delivery; throws on network errors, timeouts and aborts. */
export type WebhookPost = (
  dest: string,
  body: string,
  headers: Record<string, string>,
  signal: AbortSignal,
) => Promise<WebhookResponse>;

/**
 * POST with Node's fetch (undici). Redirects are not followed: a 3xx is not a delivery, and
 * following one would send the signed events to a place the subscriber did not name.
 */
export const fetchPost: WebhookPost = async (dest, body, headers, signal) => {
  const res = await fetch(dest, { method: 'POST', body, headers, signal, redirect: 'manual' });
  // Only the status matters; release the connection without reading what the receiver said.
  await res.body?.cancel().catch(() => undefined);
  return { status: res.status };
};

/** A dest the node will POST to: an absolute http(s) URL without credentials. Undefined when fine. */
export function destProblem(dest: unknown): string | undefined {
  if (typeof dest !== 'string' || dest.length === 0) return 'must be an http or https URL';
  if (dest.length > MAX_URI_LENGTH) return `must be at most ${MAX_URI_LENGTH} characters`;
  let url: URL;
  try {
    url = new URL(dest);
  } catch {
    return 'must be an absolute http or https URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'must be an http or https URL';
  // Every reader of the node sees dest (GET .../subscriptions); the signatureToken is the secret.
  if (url.username !== '' || url.password !== '')
    return 'must not hold credentials; authenticate deliveries with signatureToken';
  return undefined;
}
