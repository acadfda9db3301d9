import { request } from 'node:http';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * One request with node:http, the path sent exactly as given (fetch would normalise `../` and
 * re-encode). One attempt, never retried: a server refusing a body (413) must still let the client
 * read its answer (services/api/http-server.ts drains the rest), and a retry here would hide a reset.
 */
export function rawRequest(
  url: string,
  opts: { method: string; path: string; headers?: Record<string, string>; body?: string },
): Promise<RawResponse> {
  return once(url, opts);
}

/**
 * The body goes out in chunks, and stops once the server has answered: a server refusing a body
 * (413) answers before reading it and closes the connection, so the rest would only hit a reset.
 */
function once(
  url: string,
  opts: { method: string; path: string; headers?: Record<string, string>; body?: string },
): Promise<RawResponse> {
  const { hostname, port } = new URL(url);
  const body = Buffer.from(opts.body ?? '', 'utf8');
  const headers = {
    ...opts.headers,
    ...(opts.body !== undefined ? { 'content-length': String(body.length) } : {}),
  };
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = request({ hostname, port, method: opts.method, path: opts.path, headers }, (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
    });
    req.on('error', (err) => {
      if (!answered) reject(err);
    });
    const write = async () => {
      for (let at = 0; at < body.length && !answered && !req.destroyed; at += CHUNK) {
        if (!req.write(body.subarray(at, at + CHUNK))) {
          await new Promise((r) => {
            req.once('drain', r);
            req.once('close', r);
          });
        }
        // Paced, so an early answer is read before much is sent: data the server never reads
        // turns its close into a reset, which can discard the answer before the client reads it.
        await new Promise((r) => setTimeout(r, 1));
      }
      if (!req.destroyed) req.end();
    };
    void write();
  });
}

const CHUNK = 64 * 1024;
