import http from 'node:http';
import type { Socket } from 'node:net';
import type { ClientLimits } from '../config/index.js';

/** How often node:http looks for requests past their timeout (its default, 30 s, would let a 10 s limit run to 40 s). */
const TIMEOUT_CHECK_INTERVAL_MS = 1000;
/** Keep-alive connections are closed after this long idle (longer than common load balancers' 60 s, so they close first). */
const KEEP_ALIVE_TIMEOUT_MS = 65_000;

const TOO_MANY_BODY = '{"error":"slow_down","error_description":"too many open connections from this address"}';
const TOO_MANY_CONNECTIONS =
  'HTTP/1.1 429 Too Many Requests\r\nContent-Type: application/json; charset=utf-8\r\nRetry-After: 1\r\nCache-Control: no-store\r\n' +
  `Connection: close\r\nContent-Length: ${Buffer.byteLength(TOO_MANY_BODY)}\r\n\r\n${TOO_MANY_BODY}`;

/**
 * The HTTP server, bounded against slow and greedy clients: a client that trickles its headers
 * or its body gets `408` and loses the connection once the timeout has passed (node:http checks
 * every second), and an address holding `maxConnectionsPerAddress` connections has further ones
 * answered `429` and closed at once. The remote address is the socket's: behind a reverse proxy
 * that is the proxy, whose own limits then do this job (docs/security.md#abuse-limits).
 */
export function createHttpServer(limits: ClientLimits): http.Server {
  const server = http.createServer({
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    connectionsCheckingInterval: TIMEOUT_CHECK_INTERVAL_MS,
  });
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  // Ahead of node:http's own listener, so a refused connection is never parsed.
  if (limits.maxConnectionsPerAddress > 0) server.prependListener('connection', limitConnectionsPerAddress(limits.maxConnectionsPerAddress));
  return server;
}

/** A `connection` listener counting each remote address's open sockets. */
function limitConnectionsPerAddress(max: number): (socket: Socket) => void {
  const open = new Map<string, number>();
  return function countConnection(socket) {
    const address = socket.remoteAddress ?? '';
    const count = (open.get(address) ?? 0) + 1;
    if (count > max) {
      socket.pause();
      socket.write(TOO_MANY_CONNECTIONS);
      socket.destroySoon();
      return;
    }
    open.set(address, count);
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left > 0) open.set(address, left);
      else open.delete(address);
    });
  };
}
