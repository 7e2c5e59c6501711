import type Provider from 'oidc-provider';
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

/** What the warm path keeps of a provider token: enough to answer, nothing secret. */
interface OAuthTokenSnapshot {
  jti: string;
  clientId: string;
  accountId?: string;
  owner?: TokenOwner;
  grantId?: string;
  scope: string;
  iat: number;
  exp?: number;
  aud?: string | string[];
  tokenType?: string;
}

type ProviderTokenKind = 'access_token' | 'refresh_token';

/** What a provider token also dies with: its client, its grant, its user. */
function dependentKeys(s: OAuthTokenSnapshot): string[] {
  return [
    clientRevocationKey(s.clientId),
    ...(s.grantId ? [grantRevocationKey(s.grantId)] : []),
    ...(s.accountId ? [userRevocationKey(s.accountId)] : []),
  ];
}

/**
 * Answers for oidc-provider's opaque tokens (access tokens incl. client-credentials ones,
 * or refresh tokens), applying the provider's own introspection checks on a cache miss:
 * valid (not expired, not consumed), grant present and matching, client and user present.
 */
export class OAuthTokenIntrospector implements TokenIntrospector {
  private readonly cache: RevalidatedCache<OAuthTokenSnapshot>;
  private readonly storageKeys: DigestMemo;

  constructor(
    readonly kind: ProviderTokenKind,
    private readonly provider: Provider,
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
    };
  }

  /** The database answer, with oidc-provider's own introspection rules. */
  private async load(value: string): Promise<OAuthTokenSnapshot | null> {
    const token =
      this.kind === 'refresh_token'
        ? await this.provider.RefreshToken.find(value)
        : ((await this.provider.AccessToken.find(value)) ?? (await this.provider.ClientCredentials.find(value)));
    if (!token || !token.isValid || !token.clientId) return null;
    const { accountId, grantId } = token as { accountId?: string; grantId?: string };
    if (grantId) {
      const grant = await this.provider.Grant.find(grantId, { ignoreExpiration: true });
      if (!grant || grant.isExpired || grant.clientId !== token.clientId || grant.accountId !== accountId) return null;
    }
    if (!(await this.provider.Client.find(token.clientId))) return null;
    let owner: TokenOwner | undefined;
    if (accountId) {
      const user = await this.users.findById(Number(accountId));
      if (!user) return null;
      owner = ownerOf(user);
    }
    const t = token as unknown as { scope?: string; iat: number; exp?: number; aud?: string | string[]; tokenType?: string };
    return {
      jti: token.jti,
      clientId: token.clientId,
      accountId,
      owner,
      grantId,
      scope: t.scope ?? '',
      iat: t.iat,
      exp: t.exp,
      aud: t.aud,
      tokenType: this.kind === 'access_token' ? t.tokenType : undefined,
    };
  }
}
