import { request as httpRequest, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import { MAX_URI_LENGTH } from '../epcis/index.js';
import type { DestPolicy } from './dest-policy.js';
import { DeliveryError, DeliveryErrorCode } from './errors.js';

/** The outcome of one POST to a subscriber: its HTTP status. */
export interface WebhookResponse {
  status: number;
}

/** Sends one delivery; throws on network errors, refused destinations, timeouts and aborts. */
export type WebhookPost = (
  dest: string,
  body: string,
  headers: Record<string, string>,
  signal: AbortSignal,
) => Promise<WebhookResponse>;

/**
 * POST to a dest the policy allows, connected to the very address the policy checked: the name is
 * resolved once, by the policy, and the socket's lookup answers with that address, so a second
 * resolution (DNS rebinding) cannot send the request elsewhere. TLS still verifies the host name.
 * node:http rather than fetch: fetch cannot be given the address to connect to. Redirects are not
 * followed: a 3xx is not a delivery, and following one would send the signed events to a place
 * the subscriber did not name (and the policy did not check).
 */
export function guardedPost(policy: DestPolicy): WebhookPost {
  return async (dest, body, headers, signal) => {
    const url = new URL(dest);
    const [address] = await policy.addresses(url);
    if (address === undefined) {
      throw new DeliveryError(DeliveryErrorCode.NoAddress, `no address for ${url.hostname}`, {
        host: url.hostname,
      });
    }
    const family = ipaddr.parse(address).kind() === 'ipv6' ? 6 : 4;
    const lookup: LookupFunction = (_hostname, options, callback) => {
      if (options.all)
        (callback as (e: null, a: Array<{ address: string; family: number }>) => void)(null, [
          { address, family },
        ]);
      else callback(null, address, family);
    };
    const options: RequestOptions = {
      method: 'POST',
      headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
      signal,
      lookup,
      agent: false, // one connection per delivery: no pooled socket outlives the check
    };
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise<WebhookResponse>((resolve, reject) => {
      const req = send(url, options, (res) => {
        // Only the status matters; the body is discarded.
        res.resume();
        resolve({ status: res.statusCode ?? 0 });
      });
      req.on('error', (err) => reject(signal.aborted ? signal.reason : err));
      req.end(body);
    });
  };
}

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
