/**
 * Whether an uncaught exception is libp2p writing on a stream whose connection has already closed,
 * from inside the stream muxer where no caller can catch it: such a write changes nothing but the
 * stream, which is gone anyway, so the node logs it and goes on instead of stopping.
 *
 * The case seen: @chainsafe/libp2p-yamux 8.0.1 opens an outbound stream and sends its SYN window
 * update in a queued microtask (muxer.ts `onCreateStream`); when the connection closes in between,
 * as when two members dial each other at once and one of the two connections is dropped, that send
 * throws `StreamStateError` ("Cannot write to a stream that is closed") from the microtask, an
 * uncaught exception that stopped a freshly restarted node (test/integration/membership.test.ts
 * under load). Every write of Waybill's own is awaited and its failure handled (outbox.ts,
 * requests.ts, topics.ts), so an uncaught `StreamStateError` is always the library's.
 *
 * Told by name, not `instanceof`: the class is @libp2p/interface's, and a second copy of that
 * package in the tree would have a class of its own; and a test runner hands its filter
 * (vitest.config.ts) a serialised copy of the error, a plain object.
 */
export function isStrayStreamError(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { name?: unknown }).name === 'StreamStateError';
}
