import { api, basicAuth, type TestServer } from '../support/harness.js';

/** A registered OAuth app as the apps API returns it right after creation. */
export interface RegisteredApp {
  id: number;
  client_id: string;
  client_secret: string;
  /** client_secret_basic credentials (RFC 6749 §2.3.1: both parts form-urlencoded). */
  basic: string;
}

export const clientBasic = (clientId: string, secret: string): string => basicAuth(encodeURIComponent(clientId), encodeURIComponent(secret));

/** Registers a confidential app through the apps API as `owner`. */
export async function registerApp(
  server: Pick<TestServer, 'url'>,
  owner: string,
  options: { introspection?: boolean; grantTypes?: string[]; name?: string } = {},
): Promise<RegisteredApp> {
  const res = await api(server.url, 'POST', '/api/v1/user/applications', {
    auth: owner,
    body: {
      name: options.name ?? 'resource server',
      type: 'confidential',
      redirect_uris: ['https://rs.example/callback'],
      grant_types: options.grantTypes ?? ['client_credentials'],
      introspection: options.introspection ?? false,
    },
  });
  expect(res.status).toBe(201);
  return { ...res.body, basic: clientBasic(res.body.client_id, res.body.client_secret) };
}

/** A client-credentials access token from the token endpoint. */
export async function clientCredentialsToken(server: Pick<TestServer, 'url'>, app: RegisteredApp, scope: string): Promise<string> {
  const res = await fetch(`${server.url}/token`, {
    method: 'POST',
    headers: { Authorization: app.basic, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope }),
  });
  const body = (await res.json()) as { access_token?: string };
  expect(res.status).toBe(200);
  return body.access_token!;
}

/** POSTs to the introspection endpoint; `auth` null sends no client credentials. */
export async function introspect(
  base: string,
  auth: string | null,
  params: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; body: any; text: string }> {
  const res = await fetch(`${base}/token/introspection`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...(auth ? { Authorization: auth } : {}), ...headers },
    body: new URLSearchParams(params),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* a JWT response */
  }
  return { status: res.status, headers: res.headers, body, text };
}

/**
 * A user's authorization (Grant) with a refresh token and an access token under it, made
 * through the provider's own models in-process, as the code flow would leave them: the
 * suites here test introspection, not the browser flow (see test/oauth for that).
 */
export async function seedUserGrant(
  server: Pick<TestServer, 'container'>,
  clientId: string,
  userId: number,
  scope: string,
): Promise<{ grantId: string; refreshToken: string; accessToken: string }> {
  const provider = server.container.oidc;
  const client = await provider.Client.find(clientId);
  if (!client) throw new Error(`no client ${clientId}`);
  const accountId = String(userId);
  const grant = new provider.Grant({ accountId, clientId });
  grant.addOIDCScope(scope);
  const grantId = await grant.save();
  const refreshToken = await new provider.RefreshToken({ client, accountId, grantId, scope, gty: 'authorization_code' }).save();
  const accessToken = await new provider.AccessToken({ client, accountId, grantId, scope, gty: 'authorization_code' }).save();
  return { grantId, refreshToken, accessToken };
}
