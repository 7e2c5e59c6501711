import { randomBytes } from 'node:crypto';
import type { Clock } from '../clock.js';
import { APPLICATION_GRANT_TYPES, type ApplicationGrantType, type OAuthApplication, type User } from '../entities/index.js';
import { invalidField, invalidRequest, message, notFound } from '../errors.js';
import type { Revocations } from '../revocation/revocation-notifier.js';
import type { ClientSecrets } from '../security/client-secrets.js';
import type { ScopeRegistry } from '../scopes/scope-registry.js';
import type { ApplicationChanges, ApplicationStore } from '../stores/application-store.js';
import type { OidcPayloadStore, RemovedArtifact } from '../stores/oidc-payload-store.js';
import type { RequestOrigin, SecurityLog } from './security-log.js';

export interface ApplicationInput {
  name: string;
  homepageUrl?: string | null;
  redirectUris: string[];
  /** Where RP-initiated logout may return the browser; same rules as redirect URIs. */
  postLogoutRedirectUris?: string[];
  type: 'confidential' | 'public';
  grantTypes?: ApplicationGrantType[];
  /** Scopes the app may request; null/undefined = any. */
  scopes?: string[] | null;
  introspection?: boolean;
}

export type ApplicationUpdate = Partial<Omit<ApplicationInput, 'type'>>;

/** An app plus its client secret: returned only by create and secret regeneration. */
export interface ApplicationWithSecret {
  app: OAuthApplication;
  secret: string | null;
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * OAuth apps (GitHub's "OAuth Apps"): registration, secrets, deletion. Every method is
 * scoped to one owner; the admin CLI creates apps with no owner.
 */
export class ApplicationService {
  constructor(
    private readonly apps: ApplicationStore,
    private readonly payloads: OidcPayloadStore,
    private readonly secrets: ClientSecrets,
    private readonly scopes: ScopeRegistry,
    /** After a change (new secret, permissions: caches re-read the app) or a deletion (everything issued to it is dead). */
    private readonly revocations: Pick<Revocations, 'artifactsRemoved' | 'clientChanged' | 'clientDeleted'>,
    private readonly clock: Clock,
    private readonly log: Pick<SecurityLog, 'record'> = { record: async () => {} },
  ) {}

  async create(owner: User | null, input: ApplicationInput): Promise<ApplicationWithSecret> {
    const grantTypes = input.grantTypes ?? ['authorization_code', 'refresh_token'];
    const fields = this.checked({ ...input, grantTypes }, input.type);
    const secret = input.type === 'confidential' ? this.secrets.generate() : null;
    const app = await this.apps.create(
      {
        clientId: randomBytes(16).toString('hex'),
        userId: owner?.id ?? null,
        name: fields.name,
        homepageUrl: fields.homepageUrl,
        redirectUris: fields.redirectUris,
        postLogoutRedirectUris: fields.postLogoutRedirectUris,
        type: input.type,
        grantTypes: fields.grantTypes,
        scopes: fields.scopes,
        introspection: input.introspection ?? false,
        secretDigest: secret ? this.secrets.digest(secret) : null,
        secretLastFour: secret ? secret.slice(-4) : null,
      },
      this.clock(),
    );
    return { app, secret };
  }

  list(owner: User): Promise<OAuthApplication[]> {
    return this.apps.listForUser(owner.id);
  }

  async get(owner: User, id: number): Promise<OAuthApplication> {
    const app = await this.apps.findForUser(owner.id, id);
    // Another user's app and a missing one look exactly the same.
    if (!app) throw notFound('application');
    return app;
  }

  async update(owner: User, id: number, changes: ApplicationUpdate): Promise<OAuthApplication> {
    const app = await this.get(owner, id);
    const merged = this.checked(
      {
        name: changes.name ?? app.name,
        homepageUrl: changes.homepageUrl !== undefined ? changes.homepageUrl : app.homepageUrl,
        redirectUris: changes.redirectUris ?? app.redirectUris,
        postLogoutRedirectUris: changes.postLogoutRedirectUris ?? app.postLogoutRedirectUris,
        grantTypes: changes.grantTypes ?? app.grantTypes,
        scopes: changes.scopes !== undefined ? changes.scopes : app.scopes,
      },
      app.type,
    );
    const update: ApplicationChanges = { ...merged };
    if (changes.introspection !== undefined) update.introspection = changes.introspection;
    const updated = await this.apps.update(app, update, this.clock());
    await this.revocations.clientChanged(app.clientId);
    return updated;
  }

  /** A new secret replaces the old one at once; the old one stops working. */
  async regenerateSecret(owner: User, id: number): Promise<ApplicationWithSecret> {
    const app = await this.get(owner, id);
    if (app.type !== 'confidential') throw invalidRequest(message('app.public_no_secret'));
    const secret = this.secrets.generate();
    const updated = await this.apps.update(app, { secretDigest: this.secrets.digest(secret), secretLastFour: secret.slice(-4) }, this.clock());
    await this.revocations.clientChanged(app.clientId);
    return { app: updated, secret };
  }

  /** Deletes the app and, with it, every grant and token issued to it. */
  async delete(owner: User, id: number, origin?: RequestOrigin): Promise<void> {
    await this.remove(await this.get(owner, id), { actor: owner, origin });
  }

  /** Operator view (the CLI): every app, whoever registered it. */
  listAll(): Promise<OAuthApplication[]> {
    return this.apps.listAll();
  }

  /** Operator lookup (the CLI) by the public client_id, whoever owns the app. */
  async getByClientId(clientId: string): Promise<OAuthApplication> {
    const app = await this.apps.findByClientId(clientId);
    if (!app) throw notFound('application');
    return app;
  }

  /** Operator action (the CLI): deletes any app by client_id, with its grants and tokens. */
  async deleteByClientId(clientId: string, origin?: RequestOrigin): Promise<void> {
    await this.remove(await this.getByClientId(clientId), { actor: null, origin });
  }

  /** Operator action (the CLI): allows or forbids an app to call the introspection endpoint. */
  async setIntrospection(clientId: string, allowed: boolean): Promise<OAuthApplication> {
    const app = await this.getByClientId(clientId);
    const updated = await this.apps.update(app, { introspection: allowed }, this.clock());
    // Running instances keep callers in memory; the change must reach them at once.
    await this.revocations.clientChanged(app.clientId);
    return updated;
  }

  private async remove(app: OAuthApplication, by: { actor: User | null; origin?: RequestOrigin }): Promise<void> {
    await this.apps.delete(app.id);
    const removed = await this.payloads.deleteByClient(app.clientId);
    await this.revocations.artifactsRemoved(removed);
    await this.revocations.clientDeleted(app.clientId);
    await this.recordRemoval(app, removed, by);
  }

  /**
   * The security log of a deletion, in each user's own log: one `oauth.grant_revoked` per user
   * who had authorized the app, and one `token.revoked` per kind of token that died with it
   * (the count; the provider's tokens are stored only as keyed digests, so there is no public hash).
   * Tokens the app held for itself (client credentials) go to the owner's log.
   */
  private async recordRemoval(app: OAuthApplication, removed: RemovedArtifact[], by: { actor: User | null; origin?: RequestOrigin }): Promise<void> {
    const byAccount = new Map<string | null, RemovedArtifact[]>();
    for (const row of removed) byAccount.set(row.accountId, [...(byAccount.get(row.accountId) ?? []), row]);
    const common = { clientId: app.clientId, actor: by.actor, origin: by.origin };
    for (const [accountId, rows] of byAccount) {
      const userId = accountId === null ? app.userId : Number(accountId);
      if (userId === null || !Number.isSafeInteger(userId)) continue;
      const user = { id: userId, username: by.actor?.id === userId ? by.actor.username : null };
      const count = (model: string) => rows.filter((r) => r.model === model).length;
      if (count('Grant')) await this.log.record({ action: 'oauth.grant_revoked', user, ...common, details: { reason: 'app_deleted', application: app.name } });
      for (const [model, kind] of [['AccessToken', 'access_token'], ['RefreshToken', 'refresh_token'], ['ClientCredentials', 'access_token']] as const) {
        const n = count(model);
        if (n) await this.log.record({ action: 'token.revoked', user, ...common, token: { kind }, details: { reason: 'app_deleted', count: n, application: app.name } });
      }
    }
  }

  private checked(input: Omit<ApplicationInput, 'type'> & { grantTypes: ApplicationGrantType[] }, type: 'confidential' | 'public') {
    const grantTypes = APPLICATION_GRANT_TYPES.filter((g) => input.grantTypes.includes(g));
    if (!grantTypes.length) throw invalidField('grant_types', 'app.no_grant_type');
    if (type === 'public' && grantTypes.includes('client_credentials')) {
      throw invalidField('grant_types', 'app.public_client_credentials');
    }
    if (grantTypes.includes('refresh_token') && !grantTypes.some((g) => g === 'authorization_code' || g === 'urn:ietf:params:oauth:grant-type:device_code')) {
      throw invalidField('grant_types', 'app.refresh_needs_grant');
    }
    const redirectUris = [...new Set(input.redirectUris)];
    for (const uri of redirectUris) checkRedirectUri(uri);
    const postLogoutRedirectUris = [...new Set(input.postLogoutRedirectUris ?? [])];
    for (const uri of postLogoutRedirectUris) checkRedirectUri(uri, 'post_logout_redirect_uris');
    if (grantTypes.includes('authorization_code') && !redirectUris.length) {
      throw invalidField('redirect_uris', 'app.redirect_uri_required');
    }
    let scopes: string[] | null = null;
    if (input.scopes) {
      for (const s of input.scopes) if (!this.scopes.get(s)) throw invalidField('scopes', 'app.unknown_scope', { scope: s });
      scopes = this.scopes.names().filter((n) => input.scopes!.includes(n));
    }
    const homepageUrl = input.homepageUrl ?? null;
    if (homepageUrl && !isHttpUrl(homepageUrl)) throw invalidField('homepage_url', 'app.homepage_not_http');
    return { name: input.name, homepageUrl, redirectUris, postLogoutRedirectUris, grantTypes, scopes };
  }
}

/**
 * A redirect URI (or post-logout redirect URI, named by `field`): https anywhere; plain http only
 * on the loopback (local development, native apps); no fragment, no credentials.
 */
export function checkRedirectUri(uri: string, field = 'redirect_uris'): void {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw invalidField(field, 'uri.invalid', { uri });
  }
  if (url.hash || uri.includes('#')) throw invalidField(field, 'uri.fragment', { uri });
  if (url.username || url.password) throw invalidField(field, 'uri.credentials', { uri });
  if (url.protocol === 'https:') return;
  if (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname)) return;
  throw invalidField(field, 'uri.https', { uri });
}

function isHttpUrl(value: string): boolean {
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}
