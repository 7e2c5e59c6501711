import type http from 'node:http';
import net from 'node:net';

/**
 * Lets an HTTP server stop without dropping anything: `close()` stops accepting connections,
 * ends keep-alive (idle connections are closed at once; every response still to come says
 * `Connection: close`, and its connection closes once it is sent), lets in-flight requests
 * finish, and resolves when the last connection is gone.
 */
export class ServerDrain {
  private draining = false;
  private readonly inFlight = new Set<http.ServerResponse>();

  constructor(private readonly server: http.Server) {}

  /** Wraps the server's request listener, to know which responses are still to be sent. */
  track(listener: http.RequestListener): http.RequestListener {
    return (req, res) => {
      this.inFlight.add(res);
      res.once('close', () => {
        this.inFlight.delete(res);
        // A response whose headers had gone out before the drain left its connection open.
        if (this.draining) setImmediate(() => this.server.closeIdleConnections());
      });
      if (this.draining) res.setHeader('Connection', 'close');
      return listener(req, res);
    };
  }

  /** Requests still being answered. */
  get pending(): number {
    return this.inFlight.size;
  }

  /** Stops accepting and ends keep-alive; resolves once every in-flight request has been answered. */
  close(): Promise<void> {
    this.draining = true;
    // Stop listening first. http.Server#close ends idle connections before it closes the
    // listener, so a client that has just seen its connection closed could, for a moment,
    // still open a new one; net.Server#close closes the listener alone, at once.
    const closed = new Promise<void>((resolve) => net.Server.prototype.close.call(this.server, () => resolve()));
    for (const res of this.inFlight) if (!res.headersSent) res.setHeader('Connection', 'close');
    this.server.closeIdleConnections();
    return closed;
  }
}
