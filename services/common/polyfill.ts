// libp2p 3 calls Promise.withResolvers (ES2024), which Node 20 lacks. This module must be
// evaluated before any libp2p module: entry points import it first.
interface WithResolvers<T> {
  promise: Promise<T>;
  resolve: (value: T | PromiseLike<T>) => void;
  reject: (reason?: unknown) => void;
}

const P = Promise as PromiseConstructor & { withResolvers?: <T>() => WithResolvers<T> };
if (typeof P.withResolvers !== 'function') {
  Object.defineProperty(Promise, 'withResolvers', {
    configurable: true,
    writable: true,
    value<T>(): WithResolvers<T> {
      let resolve!: WithResolvers<T>['resolve'];
      let reject!: WithResolvers<T>['reject'];
      const promise = new Promise<T>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      return { promise, resolve, reject };
    },
  });
}

// Uint8Array.prototype.toBase64 and Uint8Array.fromBase64 (ES2026), which Node 20 lacks, over
// Buffer's native base64. jose (the API's bearer tokens; the sealed JWE until the node wrote its
// own on node:crypto, privacy/jwe.ts) base64url-encodes and decodes through these when they exist;
// without them it falls back to btoa/atob, which Node 20 runs as a JavaScript loop: about 2 ms per
// 35 kB, and a few µs per token on every authenticated request. Written here because the published
// polyfills (core-js, es-shims) are pure JavaScript, no faster than that loop. Only what the
// proposal specifies: the two alphabets, omitPadding,
// lastChunkHandling; ASCII whitespace skipped; anything else in the input is a SyntaxError.
type Alphabet = 'base64' | 'base64url';
type LastChunk = 'loose' | 'strict' | 'stop-before-partial';
interface Base64Uint8Array {
  toBase64?: (options?: { alphabet?: Alphabet; omitPadding?: boolean }) => string;
}
interface Base64Uint8ArrayConstructor {
  fromBase64?: (
    input: string,
    options?: { alphabet?: Alphabet; lastChunkHandling?: LastChunk },
  ) => Uint8Array;
}

function alphabetOf(options: { alphabet?: unknown } | undefined): Alphabet {
  const alphabet = options?.alphabet ?? 'base64';
  if (alphabet !== 'base64' && alphabet !== 'base64url')
    throw new TypeError('alphabet must be base64 or base64url');
  return alphabet;
}

const BASE64_BODY = { base64: /^[A-Za-z0-9+/]*$/, base64url: /^[A-Za-z0-9_-]*$/ };

if (typeof (Uint8Array.prototype as Base64Uint8Array).toBase64 !== 'function') {
  Object.defineProperty(Uint8Array.prototype, 'toBase64', {
    configurable: true,
    writable: true,
    value(this: Uint8Array, options?: { alphabet?: Alphabet; omitPadding?: boolean }): string {
      if (!(this instanceof Uint8Array)) throw new TypeError('toBase64 needs a Uint8Array');
      const alphabet = alphabetOf(options);
      const text = Buffer.from(this.buffer, this.byteOffset, this.byteLength).toString(alphabet);
      if (options?.omitPadding) return alphabet === 'base64' ? text.replace(/=+$/, '') : text;
      return alphabet === 'base64url' ? text.padEnd(Math.ceil(text.length / 4) * 4, '=') : text;
    },
  });
}

if (typeof (Uint8Array as Base64Uint8ArrayConstructor).fromBase64 !== 'function') {
  Object.defineProperty(Uint8Array, 'fromBase64', {
    configurable: true,
    writable: true,
    value(input: unknown, options?: { alphabet?: Alphabet; lastChunkHandling?: LastChunk }): Uint8Array {
      if (typeof input !== 'string') throw new TypeError('fromBase64 needs a string');
      const alphabet = alphabetOf(options);
      const last = options?.lastChunkHandling ?? 'loose';
      if (last !== 'loose' && last !== 'strict' && last !== 'stop-before-partial')
        throw new TypeError('lastChunkHandling must be loose, strict or stop-before-partial');
      const text = /[\t\n\f\r ]/.test(input) ? input.replace(/[\t\n\f\r ]/g, '') : input;
      const padding = /=+$/.exec(text)?.[0].length ?? 0;
      let body = padding > 0 ? text.slice(0, -padding) : text;
      if (!BASE64_BODY[alphabet].test(body)) throw new SyntaxError('not base64');
      const partial = body.length % 4;
      if (padding > 0) {
        // Padding completes a final chunk of two or three characters, to four.
        if (padding > 2 || partial < 2 || partial + padding !== 4)
          throw new SyntaxError('bad base64 padding');
      } else if (partial !== 0) {
        if (last === 'stop-before-partial') body = body.slice(0, body.length - partial);
        else if (partial === 1 || last === 'strict') throw new SyntaxError('incomplete base64 chunk');
      }
      const bytes = Buffer.from(body, alphabet);
      if (last === 'strict' && partial !== 0) {
        // Strict: the bits past the last byte must be zero, i.e. the text is the bytes' own encoding.
        if (bytes.toString(alphabet).replace(/=+$/, '') !== body)
          throw new SyntaxError('non-zero padding bits');
      }
      // A small Buffer is a view into a shared pool: copy it out, so .buffer holds these bytes only.
      const own = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
      return own ? new Uint8Array(bytes.buffer) : new Uint8Array(bytes);
    },
  });
}
