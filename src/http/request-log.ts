import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Logger } from '../logger.js';

const SAFE_REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** The caller's X-Request-Id if it is sane (it is echoed and logged), else a fresh one. */
export function requestIdFor(incoming: string | string[] | undefined): string {
  return typeof incoming === 'string' && SAFE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
}

/** What the one line per request says. Never headers, query strings or bodies: they may carry secrets. */
export interface RequestLine {
  requestId: string;
  method: string;
  path: string;
  status: number;
  ip: string;
  /** process.hrtime.bigint() when the request arrived. */
  started: bigint;
}

export type RequestLog = (line: RequestLine) => void;

/**
 * The per-request log line, shared by the Koa app and the bare introspection endpoint so both
 * log alike. Its fields are fixed and safe, so it skips the redaction pass: on the hot path
 * that pass costs several times more than writing the line itself.
 */
export function createRequestLog(logger: Logger): RequestLog {
  const log = logger.child({}, { redact: { paths: [] } });
  return ({ requestId, method, path, status, ip, started }) => {
    if (!log.isLevelEnabled('info')) return;
    const ms = Math.round(Number(process.hrtime.bigint() - started) / 1e5) / 10;
    log.info({ requestId, method, path, status, ms, ip }, 'request');
  };
}

/**
 * The client's address as Koa computes it with `proxy` and `maxIpsCount: 1`: behind a trusted
 * proxy, the rightmost X-Forwarded-For entry (the one the proxy appended, not one the client
 * wrote in front of it); otherwise the socket's peer.
 */
export function clientIp(req: IncomingMessage, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = req.headers['x-forwarded-for'];
    if (typeof forwarded === 'string' && forwarded) {
      const last = forwarded.slice(forwarded.lastIndexOf(',') + 1).trim();
      if (last) return last;
    }
  }
  return req.socket.remoteAddress ?? '';
}
