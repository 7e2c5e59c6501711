import type { Redis } from 'ioredis';
import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { RedisGuard } from '../../redis/redis-breaker.js';
import { epochSeconds, EXPIRY_GRACE_SECONDS, isGrantBound } from './models.js';
import type { RevokedArtifact } from '../../revocation/revocation-notifier.js';
import type { ArtifactKeys } from '../../tokens/format/artifact-keys.js';
import { replayDetected, type ReuseHandler } from './single-use.js';

/** Short-lived artifacts whose TTL is unknown still must not live forever. */
const FALLBACK_TTL_SECONDS = 3600;

/**
 * Sets the artifact's `consumed` field unless it is set: 1 = this call consumed it, 0 = it was
 * consumed already, -1 = there is no such artifact. One script, so exactly one caller wins.
 */
const CONSUME_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
return redis.call('HSETNX', KEYS[1], 'consumed', ARGV[1])
`;

interface ConsumingRedis extends Redis {
  consumeArtifact(key: string, at: number): Promise<number>;
}

/**
 * The oidc-provider adapter contract for one short-lived model, over Redis. Each artifact is
 * one hash with the artifact's TTL (plus a grace period): `payload` (JSON) and, once used,
 * `consumed` (set atomically, see CONSUME_SCRIPT). Secondary keys (user code, uid) point at its
 * id, and a set per grant lists its members so revokeByGrantId finds them. Keys carry
 * ArtifactKeys' digest of the id, never the token itself. Every call goes through the instance's
 * Redis breaker: while Redis is stalled a call fails at once (the provider answers 503), not after
 * a timeout of its own.
 */
export class RedisAdapter implements Adapter {
  private readonly redis: ConsumingRedis;

  constructor(
    private readonly model: string,
    redis: Redis,
    private readonly guard: RedisGuard,
    private readonly prefix: string,
    private readonly onRemoved: (removed: RevokedArtifact[]) => Promise<void>,
    private readonly keys: ArtifactKeys,
    private readonly onReuse: ReuseHandler,
  ) {
    if (!('consumeArtifact' in redis)) redis.defineCommand('consumeArtifact', { numberOfKeys: 1, lua: CONSUME_SCRIPT });
    this.redis = redis as ConsumingRedis;
  }

  /** The Redis key of the artifact whose storage key (digest) is `storageKey`. */
  private key(storageKey: string): string {
    return `${this.prefix}artifact:${this.model}:${storageKey}`;
  }

  private grantKey(grantId: string): string {
    return `${this.prefix}artifact:grant:${this.model}:${grantId}`;
  }

  private indexKey(kind: 'uid' | 'userCode', value: string): string {
    return `${this.prefix}artifact:${this.model}:${kind}:${value}`;
  }

  async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
    const ttl = (expiresIn && expiresIn > 0 ? Math.ceil(expiresIn) : FALLBACK_TTL_SECONDS) + EXPIRY_GRACE_SECONDS;
    const storageKey = this.keys.of(this.model, id);
    const key = this.key(storageKey);
    const json = JSON.stringify(this.keys.forStorage(this.model, payload));
    if (this.model === 'ReplayDetection') return this.insertOnce(key, json, ttl);
    const multi = this.redis.multi();
    // Only the payload field: a re-saved artifact stays consumed, as in the database.
    multi.hset(key, 'payload', json);
    multi.expire(key, ttl);
    if (payload.grantId && isGrantBound(this.model)) {
      const grantKey = this.grantKey(payload.grantId);
      multi.sadd(grantKey, storageKey);
      // The set lives as long as its longest member could.
      multi.expire(grantKey, ttl, 'GT');
      multi.expire(grantKey, ttl, 'NX');
    }
    if (payload.userCode) multi.set(this.indexKey('userCode', payload.userCode), storageKey, 'EX', ttl);
    if (payload.uid) multi.set(this.indexKey('uid', payload.uid), storageKey, 'EX', ttl);
    await this.guard.call(() => multi.exec());
  }

  /** Saves a replay-detection id only if absent (see replayDetected). */
  private async insertOnce(key: string, json: string, ttl: number): Promise<void> {
    const results = await this.guard.call(() => this.redis.multi().hsetnx(key, 'payload', json).expire(key, ttl, 'NX').exec());
    if (results?.[0]?.[1] !== 1) throw replayDetected();
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    const payload = await this.findStored(this.keys.of(this.model, id));
    return payload && this.keys.fromStorage(payload, id);
  }

  /** Secondary lookups only exist for models that keep their id (sealed) in the payload (see ArtifactKeys). */
  findByUid(uid: string): Promise<AdapterPayload | undefined> {
    return this.findByIndex('uid', uid);
  }

  findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    return this.findByIndex('userCode', userCode);
  }

  private async findByIndex(kind: 'uid' | 'userCode', value: string): Promise<AdapterPayload | undefined> {
    const storageKey = await this.guard.call(() => this.redis.get(this.indexKey(kind, value)));
    const payload = storageKey ? await this.findStored(storageKey) : undefined;
    return payload && this.keys.fromStorage(payload);
  }

  private async findStored(storageKey: string): Promise<AdapterPayload | undefined> {
    const [raw, consumed] = await this.guard.call(() => this.redis.hmget(this.key(storageKey), 'payload', 'consumed'));
    if (!raw) return undefined;
    const payload = JSON.parse(raw) as AdapterPayload;
    if (consumed) payload.consumed = Number(consumed);
    return payload;
  }

  async consume(id: string): Promise<void> {
    const storageKey = this.keys.of(this.model, id);
    const won = await this.guard.call(() => this.redis.consumeArtifact(this.key(storageKey), epochSeconds(new Date())));
    const payload = await this.findStored(storageKey);
    if (won !== 1) return this.onReuse(this.model, payload?.grantId);
    if (payload) await this.onRemoved([{ model: this.model, id: storageKey, expiresAt: expiry(payload) }]);
  }

  async destroy(id: string): Promise<void> {
    const storageKey = this.keys.of(this.model, id);
    const key = this.key(storageKey);
    const raw = await this.guard.call(() => this.redis.hget(key, 'payload'));
    await this.guard.call(() => this.redis.del(key));
    if (raw) await this.onRemoved([{ model: this.model, id: storageKey, expiresAt: expiry(JSON.parse(raw) as AdapterPayload) }]);
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    const grantKey = this.grantKey(grantId);
    const ids = await this.guard.call(() => this.redis.smembers(grantKey));
    if (ids.length) await this.guard.call(() => this.redis.del(...ids.map((id) => this.key(id))));
    await this.guard.call(() => this.redis.del(grantKey));
    await this.onRemoved(ids.map((id) => ({ model: this.model, id, expiresAt: null })));
  }
}

function expiry(payload: AdapterPayload): Date | null {
  return typeof payload.exp === 'number' ? new Date(payload.exp * 1000) : null;
}
