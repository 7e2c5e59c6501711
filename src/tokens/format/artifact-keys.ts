import { createHmac } from 'node:crypto';
import type { AdapterPayload } from 'oidc-provider';
import { seal, unseal } from '../../security/sealed-box.js';

/**
 * Models found by a secondary key (Session by uid, DeviceCode by user code): the provider needs
 * their id back from that lookup to save them again, so the payload carries it, sealed.
 */
const ID_SEALED_IN_PAYLOAD = new Set(['Session', 'DeviceCode']);

/** The payload field holding the sealed id (security/sealed-box). */
const SEALED_ID = 'sealedJti';

/**
 * oidc-provider's opaque tokens ARE their ids: an access token's string is its `jti`, and so
 * are refresh tokens, codes, device codes and the session cookie. Storage therefore never sees
 * the id itself: rows and Redis keys are named by HMAC-SHA-256(pepper, id), and the `jti` is cut
 * out of the stored payload (given back on lookup, where the caller presented it), or, for the
 * models found without it, kept encrypted under a key derived from the pepper. A leaked
 * database or Redis dump holds no usable token. Grant ids are not credentials (the provider
 * never hands them to clients) and stay readable: they are the authorizations API's ids.
 */
export class ArtifactKeys {
  private readonly sealKey: Buffer;

  constructor(private readonly pepper: string) {
    this.sealKey = createHmac('sha256', pepper).update('tessera:artifact-id-seal').digest();
  }

  /** The storage key of artifact `id` of `model`. Also what the revocation hook reports. */
  of(model: string, id: string): string {
    if (model === 'Grant') return id;
    return createHmac('sha256', this.pepper).update(`oidc:${id}`).digest('base64url');
  }

  /** The payload as stored: without the id in clear. */
  forStorage(model: string, payload: AdapterPayload): AdapterPayload {
    if (model === 'Grant' || typeof payload.jti !== 'string') return payload;
    const { jti, ...rest } = payload;
    return ID_SEALED_IN_PAYLOAD.has(model) ? { ...rest, [SEALED_ID]: seal(this.sealKey, jti) } : rest;
  }

  /**
   * The payload as the provider expects it back: with the `id` the caller presented, or, found
   * by a secondary key, the unsealed one. Undefined when a sealed id does not open (a payload
   * not written with this pepper), which the adapters treat as "not found".
   */
  fromStorage(payload: AdapterPayload, id?: string): AdapterPayload | undefined {
    if (typeof payload.jti === 'string') return payload;
    const { [SEALED_ID]: sealed, ...rest } = payload as AdapterPayload & { [SEALED_ID]?: unknown };
    const jti = id ?? (typeof sealed === 'string' ? (unseal(this.sealKey, sealed) ?? undefined) : undefined);
    if (jti !== undefined) return { ...rest, jti };
    return sealed === undefined ? rest : undefined;
  }
}
