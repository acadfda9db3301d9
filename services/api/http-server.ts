import { type Server, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyHttpOptions, FastifyInstance, FastifyRequest } from 'fastify';
import FindMyWay, { type HTTPMethod } from 'find-my-way';
import { ErrorCode, WaybillError } from '../common/index.js';
import { handleError, statusOf, toProblem } from './problem.js';

/** How long a client may take; node.json does not set these (yet): the defaults hold for every node. */
export interface ServerTimeouts {
  /** From the connection (or the previous request) to the end of the request headers. */
  headersMs: number;
  /** Between two pieces of a request body: a client that stops sending is cut off. */
  bodyIdleMs: number;
  /** An idle keep-alive connection is closed after this. */
  keepAliveMs: number;
  /** The whole request, body included, however steadily it arrives (a 10 MiB body at 1 Mbit/s: 80 s). */
  requestMs: number;
}

/**
 * Node's header timer of a keep-alive connection starts when the previous answer was sent, so the
 * keep-alive timeout must be clearly shorter: a client reusing a connection just before it closes
 * must still have time to send its headers.
 */
export const DEFAULT_TIMEOUTS: ServerTimeouts = {
  headersMs: 6_000,
  bodyIdleMs: 5_000,
  keepAliveMs: 3_000,
  requestMs: 120_000,
};

/**
 * A body over the limit is read and discarded up to this many bytes past the limit before the
 * connection is closed: a client that sends its whole body before reading the answer (Node's
 * fetch does) then receives the 413 instead of a reset. Past it the client is not worth the bytes.
 */
export const MAX_DRAIN_BYTES = 64 * 1024 * 1024;

/** Fastify options that make Node's HTTP server time out slow clients (defect 7). */
export function serverOptions(t: ServerTimeouts): Partial<FastifyHttpOptions<Server>> {
  if (t.keepAliveMs >= t.headersMs)
    throw new Error('the keep-alive timeout must be shorter than the header timeout');
  return {
    keepAliveTimeout: t.keepAliveMs,
    requestTimeout: t.requestMs,
    http: {
      headersTimeout: t.headersMs,
      requestTimeout: t.requestMs,
      // Node looks for expired headers and requests on this interval (30 s by default).
      connectionsCheckingInterval: Math.min(1_000, t.headersMs),
      // A missing Host gets our 400 problem (requireHost), not Node's empty 400.
      requireHostHeader: false,
    },
    clientErrorHandler: clientError,
  };
}

/** The raw bytes of a problem answer, for the paths where Node gives us a socket and no response. */
function rawProblem(err: WaybillError, extra: Record<string, string> = {}): string {
  const body = JSON.stringify(toProblem(err));
  const headers = {
    'content-type': 'application/problem+json; charset=utf-8',
    'content-length': String(Buffer.byteLength(body)),
    connection: 'close',
    ...extra,
  };
  const lines = Object.entries(headers).map(([k, v]) => `${k}: ${v}`);
  return `HTTP/1.1 ${statusOf(err)} ${STATUS_CODES[statusOf(err)]}\r\n${lines.join('\r\n')}\r\n\r\n${body}`;
}

/** Why Node's parser refused a request, in words a client can act on. */
const PARSE_ERRORS: Record<string, string> = {
  HPE_INVALID_METHOD: 'the request method is not an HTTP method',
  HPE_INVALID_HEADER_TOKEN: 'a request header holds a character not allowed in HTTP headers (CR, LF, NUL...)',
  HPE_CR_EXPECTED: 'a request header line does not end with CR LF',
  HPE_LF_EXPECTED: 'a request header line does not end with CR LF',
  HPE_UNEXPECTED_CONTENT_LENGTH: 'Content-Length and Transfer-Encoding must not be sent together',
  HPE_INVALID_TRANSFER_ENCODING: 'the Transfer-Encoding is not valid',
  HPE_INVALID_VERSION: 'the HTTP version is not supported; use HTTP/1.1',
  HPE_INVALID_CONSTANT: 'the request line is not HTTP',
  HPE_INVALID_URL: 'the request target is not a valid URL',
  HPE_INVALID_CONTENT_LENGTH: 'the Content-Length is not valid',
  HPE_INVALID_CHUNK_SIZE: 'a chunk size of the body is not valid',
};

function clientProblem(err: NodeJS.ErrnoException): WaybillError {
  if (err.code === 'HPE_HEADER_OVERFLOW')
    return new WaybillError(ErrorCode.HeadersTooLarge, 'the request headers and URL exceed 16 KiB');
  if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT')
    return new WaybillError(ErrorCode.RequestTimeout, 'the request did not arrive in time');
  const why = (err.code && PARSE_ERRORS[err.code]) ?? 'the request is not valid HTTP/1.1';
  return new WaybillError(ErrorCode.BadRequest, why, { parseError: err.code });
}

/**
 * Node's 'clientError': requests its parser refuses, and expired header or request timeouts. The
 * answer is a problem, like every other (defect 4), then the connection closes.
 */
function clientError(err: NodeJS.ErrnoException, socket: Duplex): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  // Node's header timer restarts once the 413 is sent; the body being drained is not a new request.
  if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT' && draining.has(socket)) return;
  const inFlight = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (socket.writable && !inFlight?.headersSent) socket.end(rawProblem(clientProblem(err)));
  else socket.destroy(err);
}

/** Every method a route may be registered for; the Allow header lists those a path has. */
const METHODS: HTTPMethod[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

/**
 * Answers what Node would otherwise answer itself or not at all, times out slow bodies, drains
 * bodies over the limit, and turns a 404 on a known path into 405 with Allow. Call before routes.
 */
export function hardenHttp(app: FastifyInstance, timeouts: ServerTimeouts): void {
  const server = app.server;
  // An Expect other than 100-continue: Node answers a bare 417.
  server.on('checkExpectation', (req, res) => {
    const err = new WaybillError(
      ErrorCode.ExpectationFailed,
      `Expect '${req.headers.expect}' is not supported; only 100-continue is`,
    );
    const body = JSON.stringify(toProblem(err));
    res.writeHead(statusOf(err), {
      'content-type': 'application/problem+json; charset=utf-8',
      'content-length': Buffer.byteLength(body),
      connection: 'close',
    });
    res.end(body);
  });
  // CONNECT: Node closes the connection without a word.
  server.on('connect', (_req, socket: Duplex) => {
    const err = new WaybillError(ErrorCode.MethodNotAllowed, 'CONNECT is not supported: this is no proxy');
    socket.end(rawProblem(err, { allow: 'GET, HEAD, POST, DELETE' }));
  });

  // The routes' paths by method, to tell a 405 from a 404 (Fastify's router answers only one method).
  // A catch-all route (OPTIONS on every path, for EPCIS discovery) makes no path known by itself:
  // its methods are listed only beside those of a path that exists.
  const router = FindMyWay({ maxParamLength: 10_000 });
  const everywhere = new Set<HTTPMethod>();
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat() as HTTPMethod[]) {
      if (route.url.includes('*')) everywhere.add(method);
      else if (!router.hasRoute(method, route.url)) router.on(method, route.url, () => undefined);
    }
  });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '/';
    const served = METHODS.filter((m) => router.find(m, path) !== null);
    const allowed =
      served.length === 0
        ? []
        : METHODS.filter((m) => m !== request.method && (served.includes(m) || everywhere.has(m)));
    if (allowed.length > 0) {
      void reply.header('allow', allowed.join(', '));
      return handleError(
        new WaybillError(
          ErrorCode.MethodNotAllowed,
          `${request.method} is not allowed on this path; use ${allowed.join(', ')}`,
        ),
        request,
        reply,
      );
    }
    handleError(
      new WaybillError(ErrorCode.NotFound, `no route ${request.method} ${request.url}`),
      request,
      reply,
    );
  });

  app.addHook('onRequest', async (request) => {
    if (request.raw.httpVersion === '1.1' && request.headers.host === undefined)
      throw new WaybillError(ErrorCode.BadRequest, 'HTTP/1.1 requests must carry a Host header');
  });
  // From when the body is read: until then (auth hooks) the server itself is not reading.
  app.addHook('preParsing', async (request, _reply, payload) => {
    watchBody(request, timeouts.bodyIdleMs);
    return payload;
  });
  app.addHook('preHandler', async (request) => unwatchBody(request));
  app.addHook('onError', async (request, _reply, error) => {
    if ((error as { code?: string }).code === 'FST_ERR_CTP_BODY_TOO_LARGE')
      drainRejectedBody(request, timeouts.bodyIdleMs);
  });
  app.addHook('onResponse', async (request) => unwatchBody(request));
}

/** Sockets whose rejected body is being read to its end (drainRejectedBody). */
const draining = new WeakSet<Duplex>();

const watching = new WeakMap<FastifyRequest, () => void>();

/** A body that stops arriving for `idleMs` is answered 408 and its connection closed. */
function watchBody(request: FastifyRequest, idleMs: number): void {
  const raw = request.raw;
  const hasBody =
    raw.headers['transfer-encoding'] !== undefined || Number(raw.headers['content-length'] ?? 0) > 0;
  const socket = raw.socket;
  // In-process requests (Fastify's inject) have a stand-in socket that cannot time out.
  if (!hasBody || raw.complete || typeof socket?.setTimeout !== 'function') return;
  const onTimeout = () => {
    unwatchBody(request);
    if (raw.complete) return;
    request.log.info('request body stalled; closing the connection');
    const err = new WaybillError(
      ErrorCode.RequestTimeout,
      `the request body stopped arriving for ${idleMs} ms`,
    );
    if (!socket.destroyed && socket.writable) socket.end(rawProblem(err));
    setTimeout(() => socket.destroy(), 1_000).unref();
  };
  // Node's socket timeout emits 'timeout' on the incomplete request first; with a listener there
  // it leaves the socket to us instead of destroying it without an answer.
  socket.setTimeout(idleMs);
  raw.once('timeout', onTimeout);
  watching.set(request, () => {
    socket.setTimeout(0);
    raw.removeListener('timeout', onTimeout);
  });
}

function unwatchBody(request: FastifyRequest): void {
  watching.get(request)?.();
  watching.delete(request);
}

/**
 * After a 413, the rest of the body is read and thrown away (up to MAX_DRAIN_BYTES), so the client
 * is still sending into an open connection when the answer reaches it. Node's own discard would do
 * it without a bound.
 *
 * The answer says `connection: close` (Fastify sets it: the client must not reuse a connection
 * whose body it may not finish), and for such an answer Node destroys the socket as soon as the
 * answer is written: the rest of the body then meets a closed socket, the kernel resets, and a
 * client still writing its body (Node's fetch writes all of it before it reads) fails with EPIPE
 * without ever reading the 413. So the socket's `destroySoon`, which Node calls there, only ends
 * our side (the answer and a FIN go out; reading goes on, Node's server being half-open) and
 * destroys once the body has ended, grown past the bound, or stopped arriving for `idleMs`.
 */
export function drainRejectedBody(request: FastifyRequest, idleMs: number): void {
  const raw = request.raw;
  const socket = raw.socket;
  if (raw.complete || raw.destroyed || typeof socket?.destroySoon !== 'function') return;
  draining.add(socket);
  const close = socket.destroySoon.bind(socket);
  let ended = false;
  const idle = setTimeout(() => socket.destroy(), idleMs).unref();
  socket.once('close', () => clearTimeout(idle));
  raw.once('end', () => {
    ended = true;
    clearTimeout(idle);
    draining.delete(socket);
  });
  socket.destroySoon = () => {
    if (ended) return close();
    socket.end();
    raw.once('end', close);
  };
  let drained = 0;
  raw.on('data', (chunk: Buffer) => {
    idle.refresh();
    drained += chunk.length;
    if (drained > MAX_DRAIN_BYTES) socket.destroy();
  });
  raw.resume();
}
