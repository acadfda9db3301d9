import { checkResponse, declaredStatuses, problemErrors } from '../api/response-contract.js';
import type { FuzzRequest } from './requests.js';
import { errorCodes } from './spec.js';

/** An answer as read off the wire; undefined status when none came (reset, timeout). */
export interface Answer {
  status?: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  /** Why no answer came. */
  error?: string;
  /** Why node:http would not send it (an invalid path or header value): nothing reached the node. */
  unsendable?: string;
  ms: number;
}

export type Category = '5xx' | 'non-problem' | 'contract' | 'undeclared-status' | 'no-answer';

export interface Finding {
  category: Category;
  message: string;
}

const CODES = new Set(errorCodes());

/**
 * What is wrong with an answer, if anything: every answer is below 500 (a declared 503 NOT_READY
 * excepted: a proof of a block not yet certified; and a declared 501 NOT_IMPLEMENTED), every 4xx an RFC 9457 problem with a stable code,
 * every success declared for its operation and shaped as api/openapi.yaml says.
 */
export function judge(req: FuzzRequest, ans: Answer): Finding | undefined {
  if (ans.unsendable) return undefined;
  if (ans.status === undefined) return { category: 'no-answer', message: ans.error ?? 'no answer' };
  const status = ans.status;
  const type = String(ans.headers['content-type'] ?? '');
  const text = ans.body.toString('utf8');
  const method = req.method === 'HEAD' ? 'GET' : req.method;
  // The path alone, as the router sees it (`//x` would read as a host to new URL).
  const path = req.path.split(/[?#]/)[0] ?? '/';
  const declared = path.startsWith('//') ? undefined : safe(() => declaredStatuses(method, path));
  if (status >= 400) {
    const problem = problemOf(req.method, status, type, text);
    if (status >= 500) {
      const notReady = status === 503 && problem.code === 'NOT_READY' && declared?.includes(503);
      // GS1's binding declares 501 ImplementationException for operations a server does not offer
      // (DELETE /nextPageToken/{token}: Waybill's page tokens hold nothing on the node to release).
      const notOffered = status === 501 && problem.code === 'NOT_IMPLEMENTED' && declared?.includes(501);
      if (!notReady && !notOffered) return { category: '5xx', message: `${status} ${text.slice(0, 300)}` };
    }
    if (problem.error) return { category: 'non-problem', message: `${status} ${type}: ${problem.error}` };
    return undefined;
  }
  if (declared && !declared.includes(status) && req.method !== 'HEAD')
    return { category: 'undeclared-status', message: `${status} not among ${declared.join(', ')}` };
  if (req.method === 'HEAD') return undefined;
  try {
    if (path.startsWith('//')) return undefined;
    checkResponse(req.method, path, {
      statusCode: status,
      headers: ans.headers,
      body: text,
      json: () => JSON.parse(text),
    });
  } catch (err) {
    return { category: 'contract', message: (err as Error).message.slice(0, 500) };
  }
  return undefined;
}

function problemOf(
  method: string,
  status: number,
  type: string,
  text: string,
): { code?: string; error?: string } {
  if (!type.startsWith('application/problem+json'))
    return { error: `content type '${type}', body ${text.slice(0, 120)}` };
  if (method === 'HEAD') return {};
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return { error: `not JSON: ${text.slice(0, 120)}` };
  }
  const invalid = problemErrors(body);
  if (invalid) return { error: invalid };
  if (body.status !== status) return { error: `status member ${String(body.status)}` };
  if (!CODES.has(String(body.code))) return { error: `code ${String(body.code)} is not a stable ErrorCode` };
  return { code: String(body.code) };
}

function safe<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch {
    return undefined;
  }
}
