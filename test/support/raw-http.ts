import http from 'node:http';

/**
 * HTTP as an attacker or a broken client writes it: node:http, so any `Host` header (fetch refuses
 * to send one), any request target (`GET http://evil.example/… HTTP/1.1`), any bytes.
 */
export interface RawRequest {
  method?: string;
  /** The request target as sent: a path, or an absolute URL. */
  target: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Fails the request (rejects with code ETIMEDOUT) when no full answer came within this time. */
  timeoutMs?: number;
}

/** Sends one request on its own connection to the server at `base` (its address, whatever Host says); a fetch Response. */
export function rawRequest(base: string, request: RawRequest): Promise<Response> {
  const { hostname, port } = new URL(base);
  const headers: Record<string, string> = { ...request.headers };
  if (request.body !== undefined) headers['Content-Length'] ??= String(Buffer.byteLength(request.body));
  return new Promise((resolve, reject) => {
    const req = http.request({ host: hostname, port, method: request.method ?? 'GET', path: request.target, headers, setHost: !('Host' in headers), agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        clearTimeout(timer);
        const answer = new Headers();
        for (const [name, value] of Object.entries(res.headers)) for (const item of [value ?? []].flat()) answer.append(name, item);
        const status = res.statusCode!;
        // A Response cannot have a body with a null-body status.
        const body = [101, 103, 204, 205, 304].includes(status) ? null : Buffer.concat(chunks);
        resolve(new Response(body, { status, headers: answer }));
      });
    });
    const timer = request.timeoutMs
      ? setTimeout(() => req.destroy(Object.assign(new Error(`no answer within ${request.timeoutMs} ms`), { code: 'ETIMEDOUT' })), request.timeoutMs)
      : undefined;
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.end(request.body);
  });
}
