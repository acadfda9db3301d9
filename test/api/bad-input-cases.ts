import { SignJWT } from 'jose';
import { type Keys, mint, NETWORK, ORG, OTHER, OUTSIDER } from './support.js';

// The bad-input catalogue: one table of requests a careless or hostile client sends, each with
// the 4xx and stable code it must get. test/api/bad-input.test.ts runs it in process against
// buildApi; test/integration/api-process.test.ts runs it over HTTP against a real node.

/** Which bearer token a case sends (see `tokenOf`). */
export type TokenKind =
  | 'writer'
  | 'reader'
  | 'noKnownRole'
  | 'otherOrgWriter'
  | 'expired'
  | 'notYetValid'
  | 'wrongAudience'
  | 'foreignIssuer'
  | 'forgedMember'
  | 'algNone'
  | 'hs256'
  | 'garbled';

export interface BadInputCase {
  name: string;
  method: 'GET' | 'POST' | 'DELETE';
  /** Sent as is: percent-encoding errors and control characters are the point of some cases. */
  url: string;
  token?: TokenKind;
  /** A literal Authorization header, for malformed schemes. */
  authorization?: string;
  contentType?: string;
  body?: string;
  status: number;
  code: string;
}

/** The node's default body limit is 10 MiB: one byte more must be refused. */
export const TEN_MB = 10 * 1024 * 1024;
const DEPTH = 100_000;

const JSONLD = 'application/ld+json';
const DOC =
  '{"@context":["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],"type":"EPCISDocument",' +
  '"schemaVersion":"2.0","creationDate":"2026-11-24T10:00:00.000Z","epcisBody":{"eventList":[]}}';

/** A valid commissioning event with an extension field whose number overflows a double. */
function overflowing(as: 'document' | 'event'): string {
  const event =
    '{"type":"ObjectEvent","eventTime":"2026-11-24T10:00:00.000Z","eventTimeZoneOffset":"+00:00",' +
    '"action":"ADD","bizStep":"commissioning","epcList":["urn:epc:id:sgtin:0614141.107346.1"],' +
    `"ex:weight":${as === 'event' ? '-' : ''}1e309}`;
  const context =
    '["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",{"ex":"https://example.com/"}]';
  if (as === 'event') return `{"@context":${context},${event.slice(1)}`;
  return `${DOC.replace('"eventList":[]', `"eventList":[${event}]`).replace(/^\{"@context":\[[^\]]*\]/, `{"@context":${context}`)}`;
}

function post(
  name: string,
  url: string,
  body: string | undefined,
  status: number,
  code: string,
  contentType = JSONLD,
) {
  return { name, method: 'POST' as const, url, token: 'writer' as const, contentType, body, status, code };
}
function get(
  name: string,
  url: string,
  status: number,
  code: string,
  token: TokenKind = 'reader',
): BadInputCase {
  return { name, method: 'GET', url, token, status, code };
}
function withToken(name: string, token: TokenKind, status: number, code: string): BadInputCase[] {
  return [
    { ...post(`${name} (capture)`, '/capture', DOC, status, code), token },
    { ...get(`${name} (read)`, '/events/x', status, code), token },
  ];
}

export const BAD_INPUT_CASES: readonly BadInputCase[] = [
  // Bodies
  post('malformed JSON', '/capture', "{ type: 'EPCISDocument' }", 400, 'MALFORMED_JSON'),
  post('truncated JSON', '/capture', DOC.slice(0, 70), 400, 'MALFORMED_JSON'),
  post('truncated JSON, single event', '/events', '{"type":"ObjectEvent","action":', 400, 'MALFORMED_JSON'),
  post('trailing garbage after JSON', '/capture', `${DOC} x`, 400, 'MALFORMED_JSON'),
  post('prototype poisoning', '/capture', '{"__proto__":{"admin":true}}', 400, 'MALFORMED_JSON'),
  post('constructor poisoning', '/events', '{"constructor":{"prototype":{"a":1}}}', 400, 'MALFORMED_JSON'),
  post('empty JSON body', '/capture', '', 400, 'BAD_REQUEST'),
  post('no body and no content type', '/events', undefined, 400, 'BAD_REQUEST', ''),
  post('10 MB + 1 byte body', '/capture', `{"a":"${'x'.repeat(TEN_MB - 7)}"}`, 413, 'PAYLOAD_TOO_LARGE'),
  post(
    '100k nested arrays',
    '/capture',
    `${'['.repeat(DEPTH)}${']'.repeat(DEPTH)}`,
    400,
    'VALIDATION_FAILED',
  ),
  post(
    '100k nested objects in a document',
    '/capture',
    `${DOC.slice(0, -1)},"x":${'{"a":'.repeat(DEPTH)}1${'}'.repeat(DEPTH)}}`,
    400,
    'VALIDATION_FAILED',
  ),
  post(
    '100k nested arrays, single event',
    '/events',
    `{"x":${'['.repeat(DEPTH)}${']'.repeat(DEPTH)}}`,
    400,
    'VALIDATION_FAILED',
  ),
  // Numbers past the double range read as Infinity, which canonical encoding cannot write (found by test/fuzz)
  post('1e309 in an extension of a document', '/capture', overflowing('document'), 400, 'VALIDATION_FAILED'),
  post('-1e309 in an extension of an event', '/events', overflowing('event'), 400, 'VALIDATION_FAILED'),
  post('1e309 in a dry run', '/capture?dryRun=true', overflowing('document'), 400, 'VALIDATION_FAILED'),
  // Subscriptions: the body is checked before the named query is looked up
  post(
    'subscription to a non-http dest',
    '/queries/q/subscriptions',
    '{"dest":"file:///etc/passwd","stream":true}',
    400,
    'VALIDATION_FAILED',
  ),
  post(
    'subscription to a loopback dest',
    '/queries/q/subscriptions',
    '{"dest":"http://127.1:8080/capture","stream":true}',
    400,
    'DESTINATION_NOT_ALLOWED',
  ),
  post(
    'subscription to the metadata service',
    '/queries/q/subscriptions',
    '{"dest":"http://169.254.169.254/latest/meta-data/","stream":true}',
    400,
    'DESTINATION_NOT_ALLOWED',
  ),
  post(
    'schedule out of range',
    '/queries/q/subscriptions',
    '{"dest":"https://example.com/hook","schedule":{"hour":"24"}}',
    400,
    'VALIDATION_FAILED',
  ),
  // Content types
  post('text/plain body', '/capture', DOC, 415, 'UNSUPPORTED_MEDIA_TYPE', 'text/plain'),
  // EPCIS XML is a capture document's media type only.
  post(
    'XML body of one event',
    '/events',
    '<ObjectEvent/>',
    415,
    'UNSUPPORTED_MEDIA_TYPE',
    'application/xml',
  ),
  post('malformed XML', '/capture', '<epcis:EPCISDocument>', 400, 'VALIDATION_FAILED', 'application/xml'),
  post(
    'XML with a DOCTYPE',
    '/capture',
    '<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>',
    400,
    'VALIDATION_FAILED',
    'text/xml',
  ),
  post(
    'form body',
    '/events',
    'type=ObjectEvent',
    415,
    'UNSUPPORTED_MEDIA_TYPE',
    'application/x-www-form-urlencoded',
  ),
  post(
    'multipart body',
    '/capture',
    '--b\r\n\r\n{}\r\n--b--',
    415,
    'UNSUPPORTED_MEDIA_TYPE',
    'multipart/form-data; boundary=b',
  ),
  post('garbage content type', '/capture', DOC, 415, 'UNSUPPORTED_MEDIA_TYPE', 'json'),
  // Identifiers in paths
  get('NUL in an eventID', '/events/a%00b', 400, 'VALIDATION_FAILED'),
  get('newline in an eventID', '/events/a%0Ab/status', 400, 'VALIDATION_FAILED'),
  get('terminal escape in a captureID', '/capture/%1B%5B31mred', 400, 'VALIDATION_FAILED'),
  get('DEL in an eventID', '/events/a%7F', 400, 'VALIDATION_FAILED'),
  get('overlong eventID', `/events/${'a'.repeat(5000)}`, 400, 'BAD_REQUEST'),
  get('encoded ../ in an eventID', '/events/..%2F..%2F..%2Fetc%2Fpasswd', 404, 'NOT_FOUND'),
  get('raw ../ in the path', '/events/../../etc/passwd', 404, 'NOT_FOUND'),
  get('encoded ../ in a captureID', '/capture/..%2F..%2Fnode.key', 404, 'NOT_FOUND'),
  get('truncated percent-encoding', '/events/%E0%A4%A', 400, 'BAD_REQUEST'),
  get('invalid percent-encoding', '/events/%ZZ/status', 400, 'BAD_REQUEST'),
  get('lone percent sign', '/capture/abc%', 400, 'BAD_REQUEST'),
  get('SQL in an eventID', `/events/${encodeURIComponent("x' OR '1'='1")}`, 404, 'NOT_FOUND'),
  get(
    'SQL statement in an eventID',
    `/events/${encodeURIComponent('1; DROP TABLE events; --')}/status`,
    404,
    'NOT_FOUND',
  ),
  get(
    'SQL in a captureID',
    `/capture/${encodeURIComponent("' UNION SELECT * FROM blocks --")}`,
    404,
    'NOT_FOUND',
  ),
  // Query parameters
  get('unknown query parameter', '/events/x?foo=1', 400, 'QUERY_PARAMETER_INVALID'),
  get('unknown query parameter on a list', '/evidence?limit=5', 400, 'QUERY_PARAMETER_INVALID'),
  get('repeated query parameter', '/events/x/status?a=1&a=2', 400, 'QUERY_PARAMETER_INVALID'),
  get(
    'SQL in a query parameter',
    `/evidence?order=${encodeURIComponent('1; DROP TABLE evidence')}`,
    400,
    'QUERY_PARAMETER_INVALID',
  ),
  get('path fragment in a query parameter', '/capture/x?file=../../node.key', 400, 'QUERY_PARAMETER_INVALID'),
  get('__proto__ as a query parameter', '/events/x?__proto__=1', 400, 'QUERY_PARAMETER_INVALID'),
  get('unknown query parameter on a probe', '/readyz?verbose=1', 400, 'QUERY_PARAMETER_INVALID', 'reader'),
  // Tokens
  {
    name: 'no token (capture)',
    method: 'POST',
    url: '/capture',
    contentType: JSONLD,
    body: DOC,
    status: 401,
    code: 'UNAUTHORIZED',
  },
  { name: 'no token (read)', method: 'GET', url: '/evidence', status: 401, code: 'UNAUTHORIZED' },
  {
    name: 'Basic scheme',
    method: 'GET',
    url: '/events/x',
    authorization: 'Basic dXNlcjpwYXNz',
    status: 401,
    code: 'UNAUTHORIZED',
  },
  {
    name: 'Bearer without token',
    method: 'GET',
    url: '/events/x',
    authorization: 'Bearer',
    status: 401,
    code: 'UNAUTHORIZED',
  },
  {
    name: 'two bearer tokens',
    method: 'GET',
    url: '/events/x',
    authorization: 'Bearer a.b.c d.e.f',
    status: 401,
    code: 'UNAUTHORIZED',
  },
  ...withToken('garbled token', 'garbled', 401, 'UNAUTHORIZED'),
  ...withToken('expired token', 'expired', 401, 'UNAUTHORIZED'),
  ...withToken('token not yet valid', 'notYetValid', 401, 'UNAUTHORIZED'),
  ...withToken('token for another network', 'wrongAudience', 401, 'UNAUTHORIZED'),
  ...withToken('token of a non-member issuer', 'foreignIssuer', 401, 'UNAUTHORIZED'),
  ...withToken("member's name, outsider's key", 'forgedMember', 401, 'UNAUTHORIZED'),
  ...withToken('alg none', 'algNone', 401, 'UNAUTHORIZED'),
  ...withToken('HS256 keyed with the public key', 'hs256', 401, 'UNAUTHORIZED'),
  // Roles
  { ...post('events:read only, capture', '/capture', DOC, 403, 'FORBIDDEN'), token: 'reader' },
  { ...post('events:read only, single event', '/events', '{}', 403, 'FORBIDDEN'), token: 'reader' },
  { ...post("another member's writer", '/capture', DOC, 403, 'FORBIDDEN'), token: 'otherOrgWriter' },
  get('no known role, read', '/events/x', 403, 'FORBIDDEN', 'noKnownRole'),
  get('no known role, evidence', '/evidence', 403, 'FORBIDDEN', 'noKnownRole'),
  // Methods
  {
    name: 'unsupported method on a known path',
    method: 'DELETE',
    url: '/capture',
    token: 'writer',
    status: 405,
    code: 'METHOD_NOT_ALLOWED',
  },
  {
    name: 'unsupported method on an event',
    method: 'POST',
    url: '/events/x',
    status: 405,
    code: 'METHOD_NOT_ALLOWED',
  },
  { name: 'unknown path', method: 'DELETE', url: '/nowhere', status: 404, code: 'NOT_FOUND' },
];

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

/** The token of a kind, signed with the given orgs' issuer keys (`keys[ORG]`, `keys[OTHER]`, `keys[OUTSIDER]`). */
export async function tokenOf(keys: Keys, kind: TokenKind): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const claims = { iss: ORG, aud: NETWORK, sub: 'test-erp', roles: ['events:write'], exp: now + 300 };
  switch (kind) {
    case 'writer':
      return mint(keys, { roles: ['events:write', 'events:read'] });
    case 'reader':
      return mint(keys, { roles: ['events:read'] });
    case 'noKnownRole':
      return mint(keys, { roles: ['billing'] });
    case 'otherOrgWriter':
      return mint(keys, { org: OTHER, roles: ['events:write'] });
    case 'expired':
      return mint(keys, { expiresIn: -60 });
    case 'notYetValid':
      return mint(keys, { notBefore: 3600, expiresIn: 7200 });
    case 'wrongAudience':
      return mint(keys, { aud: 'another-network' });
    case 'foreignIssuer':
      return mint(keys, { org: OUTSIDER });
    case 'forgedMember':
      return mint(keys, { org: ORG, key: keys[OUTSIDER] });
    case 'algNone':
      return `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`;
    case 'hs256': {
      const secret = new TextEncoder().encode(keys[ORG]?.x ?? '');
      return new SignJWT(claims).setProtectedHeader({ alg: 'HS256', kid: ORG }).sign(secret);
    }
    case 'garbled':
      return 'not.a.jwt';
  }
}

/**
 * Requests only a raw socket can send: HTTP that Node's parser refuses before Fastify sees it, or
 * that Node would answer itself. `raw` is written as is; every answer must be a problem+json.
 */
export interface RawHttpCase {
  name: string;
  raw: string;
  status: number;
  code: string;
}

const LONG = 'a'.repeat(20 * 1024);

export const RAW_HTTP_CASES: readonly RawHttpCase[] = [
  {
    name: 'unknown method',
    raw: 'FROB /healthz HTTP/1.1\r\nHost: x\r\n\r\n',
    status: 400,
    code: 'BAD_REQUEST',
  },
  {
    name: 'CR inside a header value',
    raw: 'GET /healthz HTTP/1.1\r\nHost: x\r\nX-A: a\rb\r\n\r\n',
    status: 400,
    code: 'BAD_REQUEST',
  },
  {
    name: 'NUL inside a header value',
    raw: 'GET /healthz HTTP/1.1\r\nHost: x\r\nX-A: a\u0000b\r\n\r\n',
    status: 400,
    code: 'BAD_REQUEST',
  },
  {
    name: 'LF alone ends a header',
    raw: 'GET /healthz HTTP/1.1\r\nHost: x\r\nX-A: a\nX-B: b\r\n\r\n',
    status: 400,
    code: 'BAD_REQUEST',
  },
  {
    name: 'Content-Length with Transfer-Encoding',
    raw: 'POST /capture HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
    status: 400,
    code: 'BAD_REQUEST',
  },
  {
    name: 'bad HTTP version',
    raw: 'GET /healthz HTTP/9.9\r\nHost: x\r\n\r\n',
    status: 400,
    code: 'BAD_REQUEST',
  },
  { name: 'garbage request line', raw: 'hello\r\n\r\n', status: 400, code: 'BAD_REQUEST' },
  {
    name: 'header over 16 KB',
    raw: `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Long: ${LONG}\r\n\r\n`,
    status: 431,
    code: 'HEADERS_TOO_LARGE',
  },
  {
    name: 'URL over 16 KB',
    raw: `GET /events/${LONG} HTTP/1.1\r\nHost: x\r\n\r\n`,
    status: 431,
    code: 'HEADERS_TOO_LARGE',
  },
  { name: 'no Host header', raw: 'GET /healthz HTTP/1.1\r\n\r\n', status: 400, code: 'BAD_REQUEST' },
  {
    name: 'unknown Expect',
    raw: 'POST /capture HTTP/1.1\r\nHost: x\r\nExpect: 200-ok\r\nContent-Length: 0\r\n\r\n',
    status: 417,
    code: 'EXPECTATION_FAILED',
  },
  {
    name: 'CONNECT',
    raw: 'CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: 127.0.0.1:22\r\n\r\n',
    status: 405,
    code: 'METHOD_NOT_ALLOWED',
  },
  {
    name: 'TRACE on a path',
    raw: 'TRACE /events HTTP/1.1\r\nHost: x\r\n\r\n',
    status: 405,
    code: 'METHOD_NOT_ALLOWED',
  },
];

/** Sends `raw` on a new connection and reads what comes back until the server closes or `ms` pass. */
export async function rawExchange(
  url: string,
  raw: string | Buffer,
  ms = 5_000,
): Promise<{ status: number; headers: Record<string, string>; body: string; text: string }> {
  const { connect } = await import('node:net');
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => socket.destroy(), ms);
    socket.on('data', (c: Buffer) => {
      chunks.push(c);
      // One answer is enough: stop once a complete response with a Content-Length arrived.
      if (parse(Buffer.concat(chunks).toString('latin1')).complete) socket.end();
    });
    socket.on('error', (err) => (chunks.length > 0 ? undefined : reject(err)));
    socket.on('close', () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString('utf8');
      const { status, headers, body } = parse(text);
      resolve({ status, headers, body, text });
    });
    socket.write(raw);
  });
}

function parse(text: string) {
  const end = text.indexOf('\r\n\r\n');
  const head = end < 0 ? text : text.slice(0, end);
  const body = end < 0 ? '' : text.slice(end + 4);
  const [statusLine = '', ...lines] = head.split('\r\n');
  const status = Number(statusLine.split(' ')[1] ?? 0);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  const length = Number(headers['content-length'] ?? Number.NaN);
  return { status, headers, body, complete: end >= 0 && Buffer.byteLength(body) >= length };
}
