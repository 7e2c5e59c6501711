import type { Adapter, AdapterPayload } from 'oidc-provider';
import { asBackendUnavailable } from '../../errors.js';
import type { OidcPayloadStore } from '../../stores/oidc-payload-store.js';
import { epochSeconds, EXPIRY_GRACE_SECONDS } from './models.js';
import type { RevokedArtifact } from '../../revocation/revocation-notifier.js';
import type { ArtifactKeys } from '../../tokens/format/artifact-keys.js';
import { replayDetected, type ReuseHandler } from './single-use.js';

/**
 * The oidc-provider adapter contract for one model, over MySQL/SQLite. Rows past their expiry
 * (plus a grace period, so the provider can still say "expired") are deleted when read;
 * CleanupService purges the ones nobody reads again. Rows are keyed by ArtifactKeys, never
 * by the token itself.
 */
export class SqlAdapter implements Adapter {
  constructor(
    private readonly model: string,
    private readonly store: OidcPayloadStore,
    private readonly onRemoved: (removed: RevokedArtifact[]) => Promise<void>,
    private readonly keys: ArtifactKeys,
    private readonly onReuse: ReuseHandler,
  ) {}

  private key(id: string): string {
    return this.keys.of(this.model, id);
  }

  async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
    // Real time, not the injected clock: oidc-provider computes expiry with Date.now().
    const now = new Date();
    const row = {
      model: this.model,
      id: this.key(id),
      payload: JSON.stringify(this.keys.forStorage(this.model, payload)),
      grantId: payload.grantId ?? null,
      uid: payload.uid ?? null,
      userCode: payload.userCode ?? null,
      accountId: payload.accountId ?? null,
      clientId: payload.clientId ?? null,
      expiresAt: expiresIn ? new Date(now.getTime() + expiresIn * 1000) : null,
    };
    if (this.model === 'ReplayDetection') {
      if (!(await this.store.insertOnce(row, now))) throw replayDetected();
    } else {
      await this.store.upsert(row, now);
    }
    // A token issued under a grant is what "last used" means on the authorized-apps page.
    if (payload.grantId && (this.model === 'AccessToken' || this.model === 'RefreshToken')) {
      await this.store.touchGrant(payload.grantId, now);
    }
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    const payload = await this.live(await this.store.find(this.model, this.key(id)));
    return payload && this.keys.fromStorage(payload, id);
  }

  /** Secondary lookups only exist for models that keep their id (sealed) in the payload (see ArtifactKeys). */
  findByUid(uid: string): Promise<AdapterPayload | undefined> {
    return this.findByIndex('uid', uid);
  }

  findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    return this.findByIndex('userCode', userCode);
  }

  private async findByIndex(column: 'uid' | 'userCode', value: string): Promise<AdapterPayload | undefined> {
    const payload = await this.live(await this.store.findBy(this.model, column, value));
    return payload && this.keys.fromStorage(payload);
  }

  /** Exactly one of concurrent consumers wins (a conditional UPDATE); the others are reuse. */
  async consume(id: string): Promise<void> {
    const key = this.key(id);
    const won = await this.store.consume(this.model, key, new Date());
    const row = await this.store.find(this.model, key);
    if (!won) return this.onReuse(this.model, row?.grantId ?? undefined);
    if (row) await this.onRemoved([{ model: this.model, id: key, expiresAt: row.expiresAt }]);
  }

  async destroy(id: string): Promise<void> {
    const key = this.key(id);
    let removed: Awaited<ReturnType<OidcPayloadStore['delete']>>;
    try {
      removed = await this.store.delete(this.model, key);
    } catch (err) {
      // Fail closed: a delete the database did not confirm in time may still be applied later,
      // so the artifact is reported removed (its revocation marker written) before the 503.
      if (asBackendUnavailable(err)) await this.onRemoved([{ model: this.model, id: key, expiresAt: null }]);
      throw err;
    }
    if (removed) await this.onRemoved([removed]);
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    await this.onRemoved(await this.store.deleteByGrant(this.model, grantId));
  }

  private async live(row: Awaited<ReturnType<OidcPayloadStore['find']>>): Promise<AdapterPayload | undefined> {
    if (!row) return undefined;
    if (row.expiresAt && row.expiresAt.getTime() + EXPIRY_GRACE_SECONDS * 1000 <= Date.now()) {
      await this.store.delete(row.model, row.id);
      return undefined;
    }
    const payload = JSON.parse(row.payload) as AdapterPayload;
    if (row.consumedAt) payload.consumed = epochSeconds(row.consumedAt);
    return payload;
  }
}
