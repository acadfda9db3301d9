import { createHmac, timingSafeEqual } from 'node:crypto';

/** Header names of a webhook delivery. */
export const SIGNATURE_HEADER = 'GS1-Signature';
export const SUBSCRIPTION_ID_HEADER = 'GS1-EPCIS-Subscription-ID';

/**
 * `sha256=<hex>`: HMAC-SHA256 of the exact body bytes, keyed with the subscription's
 * signatureToken (UTF-8). The EPCIS REST binding leaves the scheme to the implementation and names
 * HMAC-SHA256 as one; the `sha256=` prefix is the form webhook receivers commonly check.
 */
export function signatureOf(body: string | Uint8Array, token: string): string {
  return `sha256=${createHmac('sha256', token).update(body).digest('hex')}`;
}

/** What a receiver does: constant-time comparison of the header with the expected signature. */
export function verifySignature(
  body: string | Uint8Array,
  token: string,
  header: string | undefined,
): boolean {
  if (header === undefined) return false;
  const expected = Buffer.from(signatureOf(body, token));
  const given = Buffer.from(header);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
