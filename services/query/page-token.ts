import { ErrorCode, sha256Hex, WaybillError } from '../common/index.js';

/**
 * What a page token is valid for: the same resource, the same result-defining parameters and the
 * same caller's org (a page of what one member may see is no position in another's results).
 */
export interface TokenBinding {
  scope: string;
  org: string;
  defining: ReadonlyArray<readonly [string, string]>;
}

/** A position in a result: the sort values of the last item returned. */
export type Position = ReadonlyArray<number | string>;
export type PositionShape = ReadonlyArray<'integer' | 'string'>;

/**
 * Opaque to clients: base64url of [version, check, ...position]. Not a secret (it names a position
 * in a result its caller may read), but checked against its query and position, so a token
 * edited or used with other parameters is refused (400) instead of skipping or repeating items.
 */
const VERSION = 1;

/** Over the binding and the position: an edited token fails the check rather than moving the page. */
function checkOf(b: TokenBinding, position: readonly unknown[]): string {
  const defining = [...b.defining].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
  return sha256Hex(JSON.stringify([b.scope, b.org, defining, position])).slice(0, 16);
}

export function encodePageToken(position: Position, binding: TokenBinding): string {
  return Buffer.from(JSON.stringify([VERSION, checkOf(binding, position), ...position])).toString(
    'base64url',
  );
}

function invalid(): WaybillError {
  return new WaybillError(
    ErrorCode.QueryParameterInvalid,
    'nextPageToken: not a token this query issued; repeat the query without it',
    { parameter: 'nextPageToken' },
  );
}

const fits = (value: unknown, kind: 'integer' | 'string') =>
  kind === 'integer' ? Number.isSafeInteger(value) : typeof value === 'string' && value.length <= 256;

export function decodePageToken(token: string, binding: TokenBinding, shape: PositionShape): Position {
  if (!/^[A-Za-z0-9_-]{1,1024}$/.test(token)) throw invalid();
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (!Array.isArray(payload) || payload.length !== shape.length + 2) throw invalid();
  const [version, check, ...position] = payload as unknown[];
  if (version !== VERSION || check !== checkOf(binding, position)) throw invalid();
  if (!position.every((v, i) => fits(v, shape[i] ?? 'string'))) throw invalid();
  return position as Position;
}
