import { hash } from 'node:crypto';

/**
 * HMAC-SHA256 (RFC 2104) under one key, for many short messages: the field commitment of a sealed
 * event takes about twenty HMACs under the event's seed (salts, decoys), and a node computes it at
 * sealing and again at every recipient. node:crypto's createHmac builds a key object and an HMAC
 * context per call (several µs); here the padded key blocks are made once per key and each message
 * costs two one-shot crypto.hash calls over reused buffers, digests as binary strings (a Buffer
 * digest gets an off-heap store of its own, which costs more than hashing a few blocks). Written
 * here because node:crypto has no one-shot HMAC; test/unit/privacy/commitment.test.ts checks it
 * against @noble/hashes' HMAC.
 */

const BLOCK = 64;
const encoder = new TextEncoder();
// Shared scratch: every use below is synchronous, so no two calls interleave.
let inner = new Uint8Array(BLOCK + 256);
const outer = new Uint8Array(BLOCK + 32);

export class HmacSha256 {
  private readonly ipad = new Uint8Array(BLOCK);
  private readonly opad = new Uint8Array(BLOCK);

  constructor(key: Uint8Array) {
    const k = key.length > BLOCK ? Uint8Array.from(hash('sha256', key, 'buffer')) : key;
    this.ipad.fill(0x36);
    this.opad.fill(0x5c);
    for (let i = 0; i < k.length; i++) {
      this.ipad[i] = 0x36 ^ (k[i] as number);
      this.opad[i] = 0x5c ^ (k[i] as number);
    }
  }

  /** HMAC-SHA256(key, UTF-8 of message) as 'hex' or as a binary (latin1) string of 32 chars. */
  digest(message: string, encoding: 'hex' | 'binary' = 'hex'): string {
    if (inner.length < BLOCK + 3 * message.length) inner = new Uint8Array(BLOCK + 3 * message.length);
    inner.set(this.ipad);
    const { written } = encoder.encodeInto(message, inner.subarray(BLOCK));
    const innerDigest = hash('sha256', inner.subarray(0, BLOCK + written), 'binary');
    outer.set(this.opad);
    for (let i = 0; i < 32; i++) outer[BLOCK + i] = innerDigest.charCodeAt(i);
    return hash('sha256', outer, encoding);
  }
}
