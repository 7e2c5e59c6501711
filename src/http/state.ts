import type { ParameterizedContext } from 'koa';
import type { User } from '../entities/index.js';
import type { ActiveWebSession } from '../services/web-session-service.js';
import type { ActiveToken } from '../tokens/introspection/active-token.js';

/**
 * What Tessera's middlewares leave in Koa's `ctx.state`, stage by stage. Each router and
 * middleware names the stage it runs behind, so a read of `ctx.state` is typed, never `any`
 * (test/architecture/typed-state.test.ts checks every one).
 */
export interface RequestState {
  /** Set first, by requestContext; also sent as X-Request-Id. */
  requestId: string;
  /** The browser's live session, set by resumeWebSession when its cookie names one. */
  webSession?: ActiveWebSession;
  /** That session's user, for the JSON API: only for safe methods or with the CSRF header, and cleared for foreign origins. */
  sessionUser?: User;
}

/** Behind authenticateUser: the user who proved who they are (password or web session). */
export interface UserState extends RequestState {
  user: User;
}

/** Behind requireScopes: the verified token, with the scopes the route asked for. */
export interface TokenState extends RequestState {
  token: ActiveToken;
}

/** A request's context at a given stage. */
export type RequestContext<S extends RequestState = RequestState> = ParameterizedContext<S>;
