import type { Logger } from '../../logger.js';

/**
 * Called whenever a stored artifact stops being usable before its natural end: destroyed,
 * consumed (authorization codes, rotated refresh tokens, …) or revoked with its grant.
 * `expiresAt` is when it would have expired anyway (null = unknown/never), so a revocation
 * cache can keep the marker no longer than needed. Wire it to the revocation cache so
 * introspection on every instance sees the change at once. Failures are logged, never thrown.
 */
export type RevocationHook = (model: string, id: string, expiresAt: Date | null) => void | Promise<void>;

/** Models whose rows live only minutes: in Redis when there is one, else in the database. */
export const SHORT_LIVED_MODELS = new Set([
  'Interaction',
  'AuthorizationCode',
  'DeviceCode',
  'ReplayDetection',
  'PushedAuthorizationRequest',
  'BackchannelAuthenticationRequest',
  'PreAuthorizedCode',
]);

/** The models oidc-provider revokes by grant id (see its helpers/revoke.js). */
export const GRANTABLE_MODELS = new Set([
  'AccessToken',
  'AuthorizationCode',
  'RefreshToken',
  'DeviceCode',
  'BackchannelAuthenticationRequest',
  'PreAuthorizedCode',
]);

/** Epoch seconds, as oidc-provider spells time in payloads. */
export const epochSeconds = (date: Date): number => Math.floor(date.getTime() / 1000);

/**
 * How long an artifact is kept past its expiry. oidc-provider itself decides expiry (with its
 * clock tolerance) and answers e.g. `expired_token` for an expired device code, which it can
 * only do if the row still exists.
 */
export const EXPIRY_GRACE_SECONDS = 60;

/** One artifact that stopped being usable. */
export interface RevokedArtifact {
  model: string;
  id: string;
  expiresAt: Date | null;
}

/**
 * Hands revoked artifacts to the optional hook, one by one, logging (never throwing) its
 * failures. Shared by the adapter and the services that revoke in bulk (app deletion, grant
 * revocation). `hook` may be set after construction, e.g. once a revocation cache exists.
 */
export class RevocationReporter {
  constructor(
    private readonly logger: Logger,
    public hook?: RevocationHook,
  ) {}

  async report(removed: readonly RevokedArtifact[]): Promise<void> {
    if (!this.hook) return;
    for (const { model, id, expiresAt } of removed) {
      try {
        await this.hook(model, id, expiresAt);
      } catch (err) {
        this.logger.error({ err, model }, 'revocation hook failed; the database still holds the truth');
      }
    }
  }
}
