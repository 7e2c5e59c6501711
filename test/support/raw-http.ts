import http from 'node:http';
import net from 'node:net';

/**
 * HTTP as an attacker or a broken client writes it. `rawRequest`: node:http, so any `Host`
 * header (fetch refuses to send one), any request target (`GET http://evil.example/… HTTP/1.1`),
 * any bytes. `Connection`: a bare TCP connection, for what even node:http would not send (trickled
 * bytes, pipelining, connections held open) and for watching how the server closes it.
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
      ? setTimeout(() => {
          reject(Object.assign(new Error(`no answer within ${request.timeoutMs} ms`), { code: 'ETIMEDOUT' }));
          req.destroy();
        }, request.timeoutMs)
      : undefined;
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.end(request.body);
  });
}

/** Whether a TCP connection to `host:port` is accepted. */
export async function accepts(host: string, port: number): Promise<boolean> {
  try {
    (await Connection.open({ host, port })).close();
    return true;
  } catch {
    return false;
  }
}

/** A raw TCP connection to a server: what was received, and how it ended. */
export class Connection {
  received = '';
  ended: 'open' | 'closed cleanly' | `error ${string}` = 'open';
  private readonly done: Promise<void>;

  private constructor(readonly socket: net.Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (this.received += chunk));
    this.done = new Promise((resolve) => {
      socket.on('error', (err: NodeJS.ErrnoException) => {
        this.ended = `error ${err.code ?? err.message}`;
        resolve();
      });
      socket.on('close', () => {
        if (this.ended === 'open') this.ended = 'closed cleanly';
        resolve();
      });
    });
  }

  /** Connects to a server's URL, or to host and port (from `localAddress`: on Linux any 127.x reaches the host). */
  static open(to: string | { host: string; port: number; localAddress?: string }): Promise<Connection> {
    const { host, port, localAddress } = typeof to === 'string' ? { host: new URL(to).hostname, port: Number(new URL(to).port), localAddress: undefined } : to;
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host, port, localAddress }, () => {
        socket.off('error', reject);
        resolve(new Connection(socket));
      });
      socket.once('error', reject);
    });
  }

  write(text: string): void {
    this.socket.write(text);
  }

  /** Ends the connection from this side, at once. */
  close(): void {
    this.socket.destroy();
  }

  /** Resolves once the connection has ended (or `ms` passed; Infinity: however long that takes). */
  closed(ms = 5000): Promise<void> {
    if (!Number.isFinite(ms)) return this.done;
    let timer: NodeJS.Timeout | undefined;
    return Promise.race([this.done, new Promise<void>((r) => (timer = setTimeout(r, ms)))]).finally(() => clearTimeout(timer));
  }

  /** The complete responses received so far (each with its whole Content-Length body). */
  complete(): string[] {
    return this.received
      .split(/(?=HTTP\/1\.1 \d{3} )/)
      .filter(Boolean)
      .filter((r) => {
        const length = /content-length: (\d+)/i.exec(r);
        const [, body = ''] = r.split('\r\n\r\n');
        return length && Buffer.byteLength(body) >= Number(length[1]);
      });
  }

  /** Resolves when `count` complete responses have arrived (or `ms` passed: those there are). */
  async responses(count: number, ms = 5000): Promise<string[]> {
    const deadline = Date.now() + ms;
    for (;;) {
      const complete = this.complete();
      if (complete.length >= count || Date.now() > deadline) return complete;
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** Sends one request on this (keep-alive) connection; resolves with its complete response. */
  async exchange(request: string, ms = 5000): Promise<string> {
    const before = this.complete().length;
    this.write(request);
    const answered = await this.responses(before + 1, ms);
    if (answered.length <= before) throw new Error(`no complete response within ${ms} ms; received:\n${this.received}`);
    return answered[before]!;
  }
}
