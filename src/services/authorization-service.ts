import type { Clock } from '../clock.js';
import { accountIdOf, type User } from '../entities/index.js';
import { notFound } from '../errors.js';
import type { ApplicationStore } from '../stores/application-store.js';
import type { OidcPayloadStore } from '../stores/oidc-payload-store.js';
import type { RequestOrigin, SecurityLog } from './security-log.js';

/** A grant as the authorization server reads it. */
export interface GrantRecord {
  accountId?: string;
  clientId?: string;
  /** Every scope it grants: sign-in (OpenID) scopes and resource scopes alike. */
  scopes: string[];
}

/**
 * The authorization server's grants, through its own model (src/oidc/grants.ts implements this
 * over oidc-provider), so nothing here reads how it stores them.
 */
export interface Grants {
  /** The grant, or undefined once it is gone or expired. */
  find(grantId: string): Promise<GrantRecord | undefined>;
  /** Revokes the grant and everything issued under it, as the authorization server itself does. */
  revoke(grantId: string): Promise<void>;
}

/**
 * One app a user has authorized: its grants (oidc-provider Grants; normally one, see
 * loadExistingGrant in provider.ts) taken together, with every scope they hold.
 */
export interface Authorization {
  /** The newest grant's id: what the API and the pages name the authorization by. */
  id: string;
  /** Every live grant of the app for this user; revoking the authorization revokes them all. */
  grantIds: string[];
  clientId: string;
  applicationName: string;
  homepageUrl: string | null;
  scopes: string[];
  createdAt: Date;
  lastUsedAt: Date | null;
  expiresAt: Date | null;
}

/**
 * "Authorized apps": one entry per app the user authorized, and revoking it with every token
 * issued to that app for the user.
 */
export class AuthorizationService {
  constructor(
    private readonly payloads: OidcPayloadStore,
    private readonly apps: ApplicationStore,
    private readonly grants: Grants,
    private readonly clock: Clock,
    private readonly log: Pick<SecurityLog, 'record'> = { record: async () => {} },
  ) {}

  /** The user's authorized apps, newest first; an app with several grants shows once, with all their scopes. */
  async list(user: User): Promise<Authorization[]> {
    const rows = await this.payloads.listGrants(accountIdOf(user), this.clock());
    const byApp = new Map<string, Authorization>();
    // Rows come newest first, so the first grant of each app names its entry.
    for (const row of rows) {
      if (!row.clientId) continue;
      const grant = await this.grants.find(row.id);
      if (!grant) continue;
      const seen = byApp.get(row.clientId);
      if (seen) {
        seen.grantIds.push(row.id);
        seen.scopes = [...new Set([...seen.scopes, ...grant.scopes])];
        seen.createdAt = row.createdAt < seen.createdAt ? row.createdAt : seen.createdAt;
        seen.lastUsedAt = latest(seen.lastUsedAt, row.lastUsedAt);
        seen.expiresAt = seen.expiresAt && row.expiresAt ? latest(seen.expiresAt, row.expiresAt) : null;
        continue;
      }
      const app = await this.apps.findByClientId(row.clientId);
      if (!app) continue;
      byApp.set(row.clientId, {
        id: row.id,
        grantIds: [row.id],
        clientId: app.clientId,
        applicationName: app.name,
        homepageUrl: app.homepageUrl,
        scopes: grant.scopes,
        createdAt: row.createdAt,
        lastUsedAt: row.lastUsedAt,
        expiresAt: row.expiresAt,
      });
    }
    return [...byApp.values()];
  }

  /**
   * Revokes the app's authorization, named by any of its grants: every grant of that app for
   * the user, and every token issued under them, at once.
   */
  async revoke(user: User, grantId: string, origin?: RequestOrigin): Promise<void> {
    const grant = await this.grants.find(grantId);
    if (!grant || grant.accountId !== accountIdOf(user) || !grant.clientId) throw notFound('authorization');
    const sameApp = (await this.payloads.listGrants(accountIdOf(user), this.clock())).filter((g) => g.clientId === grant.clientId);
    const ids = new Set([grantId, ...sameApp.map((g) => g.id)]);
    for (const id of ids) await this.grants.revoke(id);
    await this.log.record({
      action: 'oauth.grant_revoked',
      user,
      actor: user,
      clientId: grant.clientId,
      origin,
      details: { reason: 'owner', scopes: grant.scopes, grants: ids.size },
    });
  }
}

function latest(a: Date | null, b: Date | null): Date | null {
  if (!a || !b) return a ?? b;
  return a > b ? a : b;
}
