import type { Redis } from 'ioredis';
import type { Adapter, AdapterPayload } from 'oidc-provider';
import { epochSeconds, EXPIRY_GRACE_SECONDS, GRANTABLE_MODELS, type RevokedArtifact } from './adapter-hooks.js';
import type { ArtifactKeys } from './artifact-keys.js';

/** Short-lived artifacts whose TTL is unknown still must not live forever. */
const FALLBACK_TTL_SECONDS = 3600;

/**
 * The oidc-provider adapter contract for one short-lived model, over Redis. Each artifact is
 * one key with the artifact's TTL (plus a grace period); secondary keys (user code, uid) point at its id, and a set
 * per grant lists its members so revokeByGrantId finds them. Keys carry ArtifactKeys'
 * digest of the id, never the token itself.
 */
export class RedisAdapter implements Adapter {
  constructor(
    private readonly model: string,
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly onRemoved: (removed: RevokedArtifact[]) => Promise<void>,
    private readonly keys: ArtifactKeys,
  ) {}

  /** The Redis key of the artifact whose storage key (digest) is `storageKey`. */
  private key(storageKey: string): string {
    return `${this.prefix}oidc:${this.model}:${storageKey}`;
  }

  private grantKey(grantId: string): string {
    return `${this.prefix}oidc:grant:${this.model}:${grantId}`;
  }

  private indexKey(kind: 'uid' | 'userCode', value: string): string {
    return `${this.prefix}oidc:${this.model}:${kind}:${value}`;
  }

  async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
    const ttl = (expiresIn && expiresIn > 0 ? Math.ceil(expiresIn) : FALLBACK_TTL_SECONDS) + EXPIRY_GRACE_SECONDS;
    const storageKey = this.keys.of(this.model, id);
    const multi = this.redis.multi();
    multi.set(this.key(storageKey), JSON.stringify(this.keys.forStorage(this.model, payload)), 'EX', ttl);
    if (payload.grantId && GRANTABLE_MODELS.has(this.model)) {
      const grantKey = this.grantKey(payload.grantId);
      multi.sadd(grantKey, storageKey);
      // The set lives as long as its longest member could.
      multi.expire(grantKey, ttl, 'GT');
      multi.expire(grantKey, ttl, 'NX');
    }
    if (payload.userCode) multi.set(this.indexKey('userCode', payload.userCode), storageKey, 'EX', ttl);
    if (payload.uid) multi.set(this.indexKey('uid', payload.uid), storageKey, 'EX', ttl);
    await multi.exec();
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    const payload = await this.findStored(this.keys.of(this.model, id));
    return payload && this.keys.fromStorage(payload, id);
  }

  /** Secondary lookups only exist for models that keep their id in the payload (see ArtifactKeys). */
  async findByUid(uid: string): Promise<AdapterPayload | undefined> {
    const storageKey = await this.redis.get(this.indexKey('uid', uid));
    return storageKey ? this.findStored(storageKey) : undefined;
  }

  async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    const storageKey = await this.redis.get(this.indexKey('userCode', userCode));
    return storageKey ? this.findStored(storageKey) : undefined;
  }

  private async findStored(storageKey: string): Promise<AdapterPayload | undefined> {
    const raw = await this.redis.get(this.key(storageKey));
    return raw ? (JSON.parse(raw) as AdapterPayload) : undefined;
  }

  async consume(id: string): Promise<void> {
    const storageKey = this.keys.of(this.model, id);
    const key = this.key(storageKey);
    const raw = await this.redis.get(key);
    if (!raw) return;
    const payload = JSON.parse(raw) as AdapterPayload;
    payload.consumed = epochSeconds(new Date());
    await this.redis.set(key, JSON.stringify(payload), 'KEEPTTL');
    await this.onRemoved([{ model: this.model, id: storageKey, expiresAt: expiry(payload) }]);
  }

  async destroy(id: string): Promise<void> {
    const storageKey = this.keys.of(this.model, id);
    const key = this.key(storageKey);
    const raw = await this.redis.get(key);
    await this.redis.del(key);
    if (raw) await this.onRemoved([{ model: this.model, id: storageKey, expiresAt: expiry(JSON.parse(raw) as AdapterPayload) }]);
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    const grantKey = this.grantKey(grantId);
    const ids = await this.redis.smembers(grantKey);
    if (ids.length) await this.redis.del(...ids.map((id) => this.key(id)));
    await this.redis.del(grantKey);
    await this.onRemoved(ids.map((id) => ({ model: this.model, id, expiresAt: null })));
  }
}

function expiry(payload: AdapterPayload): Date | null {
  return typeof payload.exp === 'number' ? new Date(payload.exp * 1000) : null;
}
