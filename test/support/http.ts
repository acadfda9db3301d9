import { request } from 'node:http';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * One request with node:http, the path sent exactly as given (fetch would normalise `../` and
 * re-encode). A server refusing a body it will not read (413) closes the connection; when the
 * client is still sending, that reaches it as a reset, so resets are retried a few times.
 */
export async function rawRequest(
  url: string,
  opts: { method: string; path: string; headers?: Record<string, string>; body?: string },
  attempts = 5,
): Promise<RawResponse> {
  for (let i = 1; ; i++) {
    try {
      return await once(url, opts);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (i >= attempts || (code !== 'EPIPE' && code !== 'ECONNRESET')) throw err;
    }
  }
}

function once(
  url: string,
  opts: { method: string; path: string; headers?: Record<string, string>; body?: string },
): Promise<RawResponse> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      { hostname, port, method: opts.method, path: opts.path, headers: opts.headers },
      (res) => {
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
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}
