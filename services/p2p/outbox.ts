import type { Stream } from '@libp2p/interface';
import { P2PError, P2PErrorCode } from './errors.js';
import { waitForDrain } from './streams.js';

export type DropReason = 'overflow' | 'disconnected' | 'send_failed';

export interface OutboxHost {
  /** Whether the network runs and the member has an open connection. */
  canSend(): boolean;
  /** Opens a fresh stream for this (member, protocol), or undefined when that fails. */
  openStream(): Promise<Stream | undefined>;
  onSent(): void;
  onDrop(reason: DropReason, count: number): void;
}

export interface OutboxLimits {
  maxMessages: number;
  maxBytes: number;
}

/**
 * The outbound side of one topic protocol to one member: a bounded FIFO of encoded frames written,
 * in order, to one long-lived stream. The stream is opened on first use and reopened after it
 * breaks; frames already handed to a broken stream are lost (fire-and-forget). On overflow the
 * oldest frames go first.
 */
export class Outbox {
  private queue: Uint8Array[] = [];
  private head = 0;
  private queuedBytes = 0;
  private stream: Stream | undefined;
  private pumping = false;

  constructor(
    private readonly host: OutboxHost,
    private readonly limits: OutboxLimits,
  ) {}

  get size(): number {
    return this.queue.length - this.head;
  }

  enqueue(frame: Uint8Array): void {
    this.queue.push(frame);
    this.queuedBytes += frame.byteLength;
    let dropped = 0;
    while (
      this.size > 1 &&
      (this.size > this.limits.maxMessages || this.queuedBytes > this.limits.maxBytes)
    ) {
      this.shift();
      dropped++;
    }
    if (dropped > 0) this.host.onDrop('overflow', dropped);
    void this.pump();
  }

  /** Drops everything queued (the member disconnected); the stream goes with its connection. */
  clear(reason: DropReason): void {
    const dropped = this.size;
    this.queue = [];
    this.head = 0;
    this.queuedBytes = 0;
    if (dropped > 0) this.host.onDrop(reason, dropped);
  }

  /** Stops: drops the queue and resets the stream. */
  close(): void {
    this.queue = [];
    this.head = 0;
    this.queuedBytes = 0;
    const stream = this.stream;
    this.stream = undefined;
    stream?.abort(new P2PError(P2PErrorCode.Refused, 'p2p network stopped'));
  }

  private shift(): Uint8Array | undefined {
    const frame = this.queue[this.head];
    if (frame === undefined) return undefined;
    this.queue[this.head] = EMPTY;
    this.head++;
    this.queuedBytes -= frame.byteLength;
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    return frame;
  }

  private usable(stream: Stream | undefined): stream is Stream {
    return stream !== undefined && stream.status === 'open' && stream.writeStatus === 'writable';
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.size > 0) {
        if (!this.host.canSend()) {
          this.clear('disconnected');
          return;
        }
        let stream = this.stream;
        if (!this.usable(stream)) {
          this.stream = undefined;
          stream = await this.host.openStream();
          if (!this.usable(stream) || !this.host.canSend()) {
            stream?.abort(new P2PError(P2PErrorCode.Refused, 'not sending'));
            this.clear('send_failed');
            return;
          }
          this.stream = stream;
          const opened = stream;
          opened.addEventListener(
            'close',
            () => {
              if (this.stream === opened) this.stream = undefined;
            },
            { once: true },
          );
        }
        if (stream.writableNeedsDrain && !(await waitForDrain(stream))) continue;
        if (!this.usable(stream)) continue;
        const frame = this.shift();
        if (frame === undefined) break;
        try {
          stream.send(frame);
          this.host.onSent();
        } catch {
          this.host.onDrop('send_failed', 1);
        }
      }
    } finally {
      this.pumping = false;
    }
  }
}

const EMPTY = new Uint8Array(0);
