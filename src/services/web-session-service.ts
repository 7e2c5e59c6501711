import type { Clock } from '../clock.js';
import type { User } from '../entities/index.js';
import type { WebSessionStore } from '../stores/web-session-store.js';
import { tokensEqual } from '../security/tokens-equal.js';
import { csrfTokenFor, newSessionId, seal, sessionDigest, unseal } from '../security/session-crypto.js';

/** Signed-in browsers stay signed in this long (absolute, from sign-in). */
export const SESSION_LIFETIME_MS = 12 * 60 * 60 * 1000;

/** What a session carries between requests. Small, and only until it is read. */
export interface SessionData {
  /** A one-line notice shown on the next page (message key + placeholders). */
  flash?: { key: string; vars?: Record<string, string | number> };
  /** A token secret waiting to be shown once (post-redirect-get); removed when shown. */
  reveal?: { token: string; name: string; regenerated: boolean; back: string };
  /** A new app's client id and secret (or a regenerated secret), waiting to be shown once. */
  appSecret?: { appId: number; name: string; clientId: string; secret: string | null; created: boolean };
}

/** A session found from its cookie. */
export interface ActiveWebSession {
  id: string;
  user: User;
  csrfToken: string;
  data: SessionData;
}

/**
 * Server-side browser sessions. Knows nothing of Koa or cookies: it turns a random id
 * into a user and back. Rows live in the database, so any instance can serve any request;
 * expired ones are purged by CleanupService.
 */
export class WebSessionService {
  constructor(
    private readonly sessions: WebSessionStore,
    private readonly users: { findById(id: number): Promise<User | null> },
    private readonly clock: Clock,
  ) {}

  /** Starts a session for a user who just proved who they are; returns its new id. */
  async start(user: User): Promise<string> {
    const now = this.clock();
    const id = newSessionId();
    await this.sessions.create({
      idDigest: sessionDigest(id),
      userId: user.id,
      data: null,
      createdAt: now,
      expiresAt: new Date(now.getTime() + SESSION_LIFETIME_MS),
    });
    return id;
  }

  /** The live session behind an id, or null (unknown, expired, or its user is gone). */
  async resume(id: string): Promise<ActiveWebSession | null> {
    const row = await this.sessions.findByDigest(sessionDigest(id));
    if (!row) return null;
    if (row.expiresAt.getTime() <= this.clock().getTime()) {
      await this.sessions.delete(row.idDigest);
      return null;
    }
    const user = await this.users.findById(row.userId);
    if (!user) return null;
    const opened = row.data ? unseal(id, row.data) : null;
    return { id, user, csrfToken: csrfTokenFor(id), data: opened ? (JSON.parse(opened) as SessionData) : {} };
  }

  /** Replaces the session's data (sealed at rest: it may briefly hold a token secret). */
  async save(session: ActiveWebSession): Promise<void> {
    const empty = Object.keys(session.data).length === 0;
    await this.sessions.setData(sessionDigest(session.id), empty ? null : seal(session.id, JSON.stringify(session.data)));
  }

  /** Keeps one value in the session (sealed at rest) until `take` removes it. */
  async put<K extends keyof SessionData>(session: ActiveWebSession, key: K, value: NonNullable<SessionData[K]>): Promise<void> {
    session.data[key] = value;
    await this.save(session);
  }

  /** Removes one value from the session and returns it: what is shown once (a notice, a secret). */
  async take<K extends keyof SessionData>(session: ActiveWebSession, key: K): Promise<SessionData[K] | undefined> {
    const value = session.data[key];
    if (value === undefined) return undefined;
    delete session.data[key];
    await this.save(session);
    return value;
  }

  async end(id: string): Promise<void> {
    await this.sessions.delete(sessionDigest(id));
  }

  /** True when a form's token matches the session's (constant time). */
  checkCsrf(session: ActiveWebSession, presented: unknown): boolean {
    return tokensEqual(session.csrfToken, presented);
  }
}
