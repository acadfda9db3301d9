import type { Stream } from '@libp2p/interface';
import { P2PError, P2PErrorCode } from './errors.js';
import { FrameDecoder } from './framing.js';

/**
 * Waits until a stream that reported back-pressure may be written again. Resolves false if the
 * stream closes first. (Stream.onDrain() in @libp2p/utils 7 keeps its first resolved promise, so
 * after one drain it no longer waits: listen for the events instead.)
 */
export function waitForDrain(stream: Stream): Promise<boolean> {
  if (!stream.writableNeedsDrain) return Promise.resolve(stream.status === 'open');
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      stream.removeEventListener('drain', onDrain);
      stream.removeEventListener('close', onClose);
      resolve(ok);
    };
    const onDrain = () => done(true);
    const onClose = () => done(false);
    stream.addEventListener('drain', onDrain);
    stream.addEventListener('close', onClose);
  });
}

/**
 * Reads exactly one frame. Rejects if the frame is over `maxBytes` (as soon as its header says
 * so), if the remote ends or resets the stream first, or when `signal` aborts. Listeners are
 * attached at once, so call it before sending anything that could be answered.
 */
export function readOneFrame(stream: Stream, maxBytes: number, signal: AbortSignal): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const decoder = new FrameDecoder(maxBytes);
    const cleanup = () => {
      stream.removeEventListener('message', onMessage);
      stream.removeEventListener('end', onEnd);
      stream.removeEventListener('close', onClose);
      signal.removeEventListener('abort', onAbort);
    };
    const fail = (err: unknown) => {
      cleanup();
      reject(err);
    };
    const onMessage = (evt: { data: Parameters<FrameDecoder['push']>[0] }) => {
      let frames: Uint8Array[];
      try {
        frames = decoder.push(evt.data);
      } catch (err) {
        fail(err);
        return;
      }
      const [frame] = frames;
      if (frame !== undefined) {
        cleanup();
        resolve(frame);
      }
    };
    // 'end' fires once everything the remote sent has been dispatched; 'close' can come earlier
    // while read-ahead data is still queued, so it only counts when nothing is left to read.
    const onEnd = () => fail(new P2PError(P2PErrorCode.StreamEnded, 'stream ended before a complete frame'));
    const onClose = (evt: { error?: Error }) => {
      if (stream.readBufferLength === 0)
        fail(evt.error ?? new P2PError(P2PErrorCode.StreamEnded, 'stream closed before a complete frame'));
    };
    const onAbort = () => fail(signal.reason);
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    if (stream.readableEnded) {
      reject(new P2PError(P2PErrorCode.StreamEnded, 'stream already ended'));
      return;
    }
    stream.addEventListener('message', onMessage);
    stream.addEventListener('end', onEnd);
    stream.addEventListener('close', onClose);
    signal.addEventListener('abort', onAbort);
  });
}

/** A timeout as an AbortSignal whose timer is cleared by `clear()` (no timer outlives its use). */
export function timeoutSignal(
  ms: number,
  message: string,
  parent?: AbortSignal,
): { signal: AbortSignal; clear(): void } {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new TimeoutError(message)), ms);
  const onParent = () => controller.abort(parent?.reason);
  parent?.addEventListener('abort', onParent);
  if (parent?.aborted) controller.abort(parent.reason);
  return {
    signal: controller.signal,
    clear: () => {
      clearTimeout(timer);
      parent?.removeEventListener('abort', onParent);
    },
  };
}

export class TimeoutError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TimeoutError';
  }
}
