import type { Redis } from 'ioredis';
import type { Adapter, AdapterPayload } from 'oidc-provider';
import { epochSeconds, EXPIRY_GRACE_SECONDS, GRANTABLE_MODELS, type RevokedArtifact } from './adapter-hooks.js';


/** Short-lived artifacts whose TTL is unknown still must not live forever. */
const FALLBACK_TTL_SECONDS = 3600;

/**
 * The oidc-provider adapter contract for one short-lived model, over Redis. Each artifact is
 * one key with the artifact's TTL (plus a grace period); secondary keys (user code, uid) point at its id, and a set
 * per grant lists its members so revokeByGrantId finds them.
 */
export class RedisAdapter implements Adapter {
  constructor(
    private readonly model: string,
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly onRemoved: (removed: RevokedArtifact[]) => Promise<void>,
  ) {}

  private key(id: string): string {
    return `${this.prefix}oidc:${this.model}:${id}`;
  }

  private grantKey(grantId: string): string {
    return `${this.prefix}oidc:grant:${this.model}:${grantId}`;
  }

  private indexKey(kind: 'uid' | 'userCode', value: string): string {
    return `${this.prefix}oidc:${this.model}:${kind}:${value}`;
  }

  async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
    const ttl = (expiresIn && expiresIn > 0 ? Math.ceil(expiresIn) : FALLBACK_TTL_SECONDS) + EXPIRY_GRACE_SECONDS;
    const multi = this.redis.multi();
    multi.set(this.key(id), JSON.stringify(payload), 'EX', ttl);
    if (payload.grantId && GRANTABLE_MODELS.has(this.model)) {
      const grantKey = this.grantKey(payload.grantId);
      multi.sadd(grantKey, id);
      // The set lives as long as its longest member could.
      multi.expire(grantKey, ttl, 'GT');
      multi.expire(grantKey, ttl, 'NX');
    }
    if (payload.userCode) multi.set(this.indexKey('userCode', payload.userCode), id, 'EX', ttl);
    if (payload.uid) multi.set(this.indexKey('uid', payload.uid), id, 'EX', ttl);
    await multi.exec();
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    const raw = await this.redis.get(this.key(id));
    return raw ? (JSON.parse(raw) as AdapterPayload) : undefined;
  }

  async findByUid(uid: string): Promise<AdapterPayload | undefined> {
    const id = await this.redis.get(this.indexKey('uid', uid));
    return id ? this.find(id) : undefined;
  }

  async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    const id = await this.redis.get(this.indexKey('userCode', userCode));
    return id ? this.find(id) : undefined;
  }

  async consume(id: string): Promise<void> {
    const key = this.key(id);
    const raw = await this.redis.get(key);
    if (!raw) return;
    const payload = JSON.parse(raw) as AdapterPayload;
    payload.consumed = epochSeconds(new Date());
    await this.redis.set(key, JSON.stringify(payload), 'KEEPTTL');
    await this.onRemoved([{ model: this.model, id, expiresAt: expiry(payload) }]);
  }

  async destroy(id: string): Promise<void> {
    const key = this.key(id);
    const raw = await this.redis.get(key);
    await this.redis.del(key);
    if (raw) await this.onRemoved([{ model: this.model, id, expiresAt: expiry(JSON.parse(raw) as AdapterPayload) }]);
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
