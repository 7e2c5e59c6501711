import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { AnonymousSessionCookie } from './anonymous-session-cookie.js';

/**
 * oidc-provider's Session model. The provider saves a session whenever one is touched, and a
 * visit to /device or /session/end touches it (it stores the form's xsrf secret there), as
 * does any request with a stale `_session` cookie: each anonymous request would write a row.
 * So only signed-in sessions (with an accountId) are stored; a signed-out one lives in the
 * browser (AnonymousSessionCookie) and costs the server nothing. Interactions only look
 * sessions up by uid once signed in, so findByUid needs the store alone.
 */
export class SessionAdapter implements Adapter {
  constructor(
    private readonly stored: Adapter,
    private readonly browser: AnonymousSessionCookie,
  ) {}

  async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
    const cookie = this.browser.inRequest();
    // Outside a request there is no browser to hold it (the provider never does that today).
    if (payload.accountId || !cookie) {
      cookie?.clear();
      return this.stored.upsert(id, payload, expiresIn);
    }
    cookie.keep(payload);
  }

  async find(id: string): Promise<AdapterPayload | undefined | void> {
    return this.browser.inRequest()?.find(id) ?? this.stored.find(id);
  }

  findByUid(uid: string): Promise<AdapterPayload | undefined | void> {
    return this.stored.findByUid(uid);
  }

  async destroy(id: string): Promise<void> {
    if (this.browser.inRequest()?.drop(id)) return;
    await this.stored.destroy(id);
  }

  findByUserCode(userCode: string): Promise<AdapterPayload | undefined | void> {
    return this.stored.findByUserCode(userCode);
  }

  consume(id: string): Promise<void | undefined> {
    return this.stored.consume(id);
  }

  revokeByGrantId(grantId: string): Promise<void | undefined> {
    return this.stored.revokeByGrantId(grantId);
  }
}
