import { createHmac } from 'node:crypto';
import type { AdapterPayload } from 'oidc-provider';

/**
 * Models whose stored payload must keep its `jti`: they are also found by a secondary key
 * (Session by uid, DeviceCode by user code), and the provider needs the id back to save them.
 */
const ID_STAYS_IN_PAYLOAD = new Set(['Session', 'DeviceCode']);

/**
 * oidc-provider's opaque tokens ARE their ids: an access token's string is its `jti`, and so
 * are refresh tokens, codes and the session cookie. Storage therefore never sees the id
 * itself: rows and Redis keys are named by HMAC-SHA-256(pepper, id), and the `jti` is cut
 * out of the stored payload (given back on lookup, where the caller presented it). A leaked
 * database or Redis dump holds no usable token. Grant ids are not credentials (the provider
 * never hands them to clients) and stay readable: they are the authorizations API's ids.
 */
export class ArtifactKeys {
  constructor(private readonly pepper: string) {}

  /** The storage key of artifact `id` of `model`. Also what the revocation hook reports. */
  of(model: string, id: string): string {
    if (model === 'Grant') return id;
    return createHmac('sha256', this.pepper).update(`oidc:${id}`).digest('base64url');
  }

  /** The payload as stored: without the id, where the model allows. */
  forStorage(model: string, payload: AdapterPayload): AdapterPayload {
    if (ID_STAYS_IN_PAYLOAD.has(model) || model === 'Grant' || !('jti' in payload)) return payload;
    const { jti: _id, ...rest } = payload;
    return rest;
  }

  /** The payload as the provider expects it back, found by the `id` the caller presented. */
  fromStorage(payload: AdapterPayload, id: string): AdapterPayload {
    return payload.jti ? payload : { ...payload, jti: id };
  }
}
