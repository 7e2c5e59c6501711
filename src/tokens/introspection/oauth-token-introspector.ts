import type { Clock } from '../../clock.js';
import {
  clientRevocationKey,
  grantRevocationKey,
  oauthTokenRevocationKey,
  userRevocationKey,
} from '../../revocation/revocation-keys.js';
import type { RevocationCache } from '../../revocation/revocation-cache.js';
import type { ArtifactKeys } from '../format/artifact-keys.js';
import { DigestMemo } from '../../security/digest-memo.js';
import type { UserStore } from '../../stores/user-store.js';
import { ownerOf, type ActiveToken, type IntrospectionContext, type TokenIntrospector, type TokenOwner } from './active-token.js';
import { RevalidatedCache, type LookupMetrics } from './revalidated-cache.js';

/** oidc-provider's opaque token values: 256 random bits as 43 base64url characters. */
const OPAQUE_TOKEN = /^[A-Za-z0-9_-]{43}$/;

export type ProviderTokenKind = 'access_token' | 'refresh_token';

/** An active provider token, as the authorization server's introspection describes it. */
export interface ProviderToken {
  clientId: string;
  accountId?: string;
  grantId?: string;
  scope: string;
  iat: number;
  exp?: number;
  aud?: string | string[];
  /** Access tokens only: 'Bearer' or 'DPoP'. */
  tokenType?: string;
  /** RFC 7800 confirmation: the key a sender-constrained token is bound to. */
  cnf?: ActiveToken['confirmation'];
}

/**
 * Finds a provider token of this kind by its value, by the provider's own introspection rules
 * (src/oidc/provider-tokens.ts); null when there is none or it is not active.
 */
export type ProviderTokenLookup = (kind: ProviderTokenKind, value: string) => Promise<ProviderToken | null>;

/** What the warm path keeps of a provider token: enough to answer, nothing secret. */
interface OAuthTokenSnapshot extends ProviderToken {
  owner?: TokenOwner;
}

/** What a provider token also dies with: its client, its grant, its user. */
function dependentKeys(s: OAuthTokenSnapshot): string[] {
  return [
    clientRevocationKey(s.clientId),
    ...(s.grantId ? [grantRevocationKey(s.grantId)] : []),
    ...(s.accountId ? [userRevocationKey(s.accountId)] : []),
  ];
}

/**
 * Answers for oidc-provider's opaque tokens (access tokens incl. client-credentials ones, or
 * refresh tokens): on a cache miss, the provider's own introspection rules (ProviderTokenLookup),
 * then the token's user must still exist.
 */
export class OAuthTokenIntrospector implements TokenIntrospector {
  private readonly cache: RevalidatedCache<OAuthTokenSnapshot>;
  private readonly storageKeys: DigestMemo;

  constructor(
    readonly kind: ProviderTokenKind,
    private readonly lookup: ProviderTokenLookup,
    private readonly users: Pick<UserStore, 'findById'>,
    revocations: RevocationCache,
    private readonly clock: Clock,
    /** The adapter's storage keys: the revocation hook reports tokens by these, never by value. */
    artifactKeys: Pick<ArtifactKeys, 'of'>,
    lookups?: LookupMetrics,
  ) {
    this.cache = new RevalidatedCache(revocations, undefined, lookups);
    const model = kind === 'refresh_token' ? 'RefreshToken' : 'AccessToken';
    this.storageKeys = new DigestMemo((token) => artifactKeys.of(model, token));
  }

  claims(token: string): boolean {
    return OPAQUE_TOKEN.test(token);
  }

  remembers(token: string): boolean {
    return !!this.cache.peek(oauthTokenRevocationKey(this.storageKeys.of(token)));
  }

  introspect(token: string, _context: IntrospectionContext): Promise<ActiveToken | null> {
    return this.cache.get(oauthTokenRevocationKey(this.storageKeys.of(token)), () => this.load(token), dependentKeys).then((snapshot) => this.answer(snapshot));
  }

  /** Expiry decides; the snapshot becomes the endpoint's view of the token. */
  private answer(snapshot: OAuthTokenSnapshot | null): ActiveToken | null {
    if (!snapshot) return null;
    if (snapshot.exp !== undefined && snapshot.exp * 1000 <= this.clock().getTime()) return null;
    const userId = snapshot.accountId !== undefined ? Number(snapshot.accountId) : null;
    return {
      kind: this.kind,
      userId,
      username: snapshot.owner?.username,
      owner: snapshot.owner,
      scopes: snapshot.scope ? snapshot.scope.split(' ') : [],
      clientId: snapshot.clientId,
      issuedAt: new Date(snapshot.iat * 1000),
      expiresAt: snapshot.exp !== undefined ? new Date(snapshot.exp * 1000) : null,
      audience: snapshot.aud,
      tokenType: snapshot.tokenType,
      confirmation: snapshot.cnf,
    };
  }

  /** The provider's answer, and the token's user. */
  private async load(value: string): Promise<OAuthTokenSnapshot | null> {
    const token = await this.lookup(this.kind, value);
    if (!token) return null;
    if (token.accountId === undefined) return token;
    const user = await this.users.findById(Number(token.accountId));
    return user ? { ...token, owner: ownerOf(user) } : null;
  }
}
