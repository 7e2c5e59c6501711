import type { Clock } from '../clock.js';
import type { User } from '../entities/index.js';
import { notFound } from '../errors.js';
import { accountIdOf } from '../oidc/account.js';
import type { ApplicationStore } from '../stores/application-store.js';
import type { OidcPayloadStore } from '../stores/oidc-payload-store.js';

/** One app a user has authorized (an oidc-provider Grant). */
export interface Authorization {
  id: string;
  clientId: string;
  applicationName: string;
  homepageUrl: string | null;
  scopes: string[];
  createdAt: Date;
  lastUsedAt: Date | null;
  expiresAt: Date | null;
}

/**
 * "Authorized apps": the grants a user gave, and revoking one with every token under it.
 */
export class AuthorizationService {
  constructor(
    private readonly payloads: OidcPayloadStore,
    private readonly apps: ApplicationStore,
    /** Deletes the grant and everything issued under it, wherever stored (see ArtifactStorage.revokeGrant). */
    private readonly revokeGrant: (grantId: string) => Promise<void>,
    private readonly clock: Clock,
  ) {}

  async list(user: User): Promise<Authorization[]> {
    const rows = await this.payloads.listGrants(accountIdOf(user), this.clock());
    const result: Authorization[] = [];
    for (const row of rows) {
      const app = row.clientId ? await this.apps.findByClientId(row.clientId) : null;
      if (!app) continue;
      result.push({
        id: row.id,
        clientId: app.clientId,
        applicationName: app.name,
        homepageUrl: app.homepageUrl,
        scopes: grantScopes(row.payload),
        createdAt: row.createdAt,
        lastUsedAt: row.lastUsedAt,
        expiresAt: row.expiresAt,
      });
    }
    return result;
  }

  /** Revokes the grant and every token issued under it, at once. */
  async revoke(user: User, grantId: string): Promise<void> {
    const grant = await this.payloads.find('Grant', grantId);
    if (!grant || grant.accountId !== accountIdOf(user)) throw notFound('authorization');
    await this.revokeGrant(grantId);
  }
}

function grantScopes(payload: string): string[] {
  const parsed = JSON.parse(payload) as { openid?: { scope?: string }; resources?: Record<string, string> };
  const scopes = new Set((parsed.openid?.scope ?? '').split(' ').filter(Boolean));
  for (const s of Object.values(parsed.resources ?? {})) for (const name of s.split(' ').filter(Boolean)) scopes.add(name);
  return [...scopes];
}
