import type { OAuthApplication } from '../../entities/index.js';
import type { ClientSecrets } from '../../security/client-secrets.js';
import type { RevocationCache } from '../../revocation/revocation-cache.js';
import { clientRevocationKey } from '../../revocation/revocation-keys.js';
import { DigestMemo } from '../../security/digest-memo.js';
import { tokensEqual } from '../../security/tokens-equal.js';
import type { ApplicationStore } from '../../stores/application-store.js';
import { RevalidatedCache, type LookupMetrics } from './revalidated-cache.js';

/**
 * How an introspection caller may authenticate (RFC 6749 §2.3.1): its client_id and secret in
 * HTTP Basic, or both in the form. Discovery advertises exactly these.
 */
export const INTROSPECTION_AUTH_METHODS = ['client_secret_basic', 'client_secret_post'] as const;

/** A client calling the introspection endpoint, once authenticated. */
export interface IntrospectionCaller {
  clientId: string;
  /** The per-client permission to introspect (set with the CLI or the apps API). */
  mayIntrospect: boolean;
}

/**
 * Authenticates introspection callers (client_id + client_secret). Implemented over the
 * OAuth applications store; narrow so the endpoint does not know how secrets are kept.
 */
export interface IntrospectionCallers {
  /** The caller if the secret is right; null for an unknown client or a wrong secret. */
  authenticate(clientId: string, clientSecret: string): Promise<IntrospectionCaller | null>;
  /**
   * The caller as last verified, from memory, if the secret matches it; undefined when
   * unknown here or not matching (then only `authenticate` decides). No I/O.
   */
  recall(clientId: string, clientSecret: string): IntrospectionCaller | undefined;
}

/** Longest client_id Tessera issues is 32 hex characters; anything much longer is not ours. */
const MAX_CLIENT_ID_LENGTH = 64;

/** What the warm path keeps of an app: no secret, only its keyed digest. */
type CallerRecord = Pick<OAuthApplication, 'clientId' | 'type' | 'introspection' | 'secretDigest'>;

/**
 * Introspection callers are Tessera's confidential OAuth apps. The app record is read from
 * the database once and then kept in memory, re-validated on every call against the
 * `client:<id>` revocation-cache key (bumped on secret regeneration or a permission change,
 * revoked on deletion), so the hot path does no SQL. The presented secret is checked on every
 * call with a constant-time compare of its keyed digest (ClientSecrets.digest, memoised), never a
 * slow password hash.
 */
export class ApplicationIntrospectionCallers implements IntrospectionCallers {
  private readonly cache: RevalidatedCache<CallerRecord>;
  private readonly secretDigests: DigestMemo;

  constructor(
    private readonly applications: Pick<ApplicationStore, 'findByClientId'>,
    secrets: Pick<ClientSecrets, 'digest'>,
    revocations: RevocationCache,
    lookups?: LookupMetrics,
  ) {
    this.cache = new RevalidatedCache(revocations, 10_000, lookups);
    this.secretDigests = new DigestMemo((secret) => secrets.digest(secret), 10_000);
  }

  authenticate(clientId: string, clientSecret: string): Promise<IntrospectionCaller | null> {
    if (!clientId || clientId.length > MAX_CLIENT_ID_LENGTH) return Promise.resolve(null);
    return this.cache.get(clientRevocationKey(clientId), () => this.load(clientId)).then((app) => this.verify(app, clientSecret) ?? null);
  }

  recall(clientId: string, clientSecret: string): IntrospectionCaller | undefined {
    if (!clientId || clientId.length > MAX_CLIENT_ID_LENGTH) return undefined;
    return this.verify(this.cache.peek(clientRevocationKey(clientId)), clientSecret);
  }

  private verify(app: CallerRecord | null | undefined, clientSecret: string): IntrospectionCaller | undefined {
    // Public clients have no secret to prove who they are, so they cannot call.
    if (!app || app.type !== 'confidential' || !this.secretMatches(clientSecret, app)) return undefined;
    return { clientId: app.clientId, mayIntrospect: app.introspection };
  }

  /** ClientSecrets.matches, with the digest memoised (the caller presents the same secret on every call). */
  private secretMatches(presented: string, app: CallerRecord): boolean {
    return !!app.secretDigest && tokensEqual(app.secretDigest, this.secretDigests.of(presented));
  }

  private async load(clientId: string): Promise<CallerRecord | null> {
    const app = await this.applications.findByClientId(clientId);
    return app && { clientId: app.clientId, type: app.type, introspection: app.introspection, secretDigest: app.secretDigest };
  }
}
