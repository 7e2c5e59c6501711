import { api, startTestServer, type TestServer } from '../support/harness.js';
import { introspect, machineApp, registerApp } from '../support/oauth.js';
import { WebClient } from '../support/web-client.js';

/**
 * Errors speak the reader's language: the API's error_description follows Accept-Language
 * (English by default), forms on Chinese pages show Chinese messages naming the form's own
 * labels, and the token form's scope groups have Chinese headings.
 */
describe('localized errors', () => {
  let server: TestServer;
  let alice: { username: string; password: string; basic: string };
  const ZH = { 'Accept-Language': 'zh-CN,zh;q=0.9,en;q=0.5' };

  beforeAll(async () => {
    server = await startTestServer({ PAT_MAX_LIFETIME_DAYS: '30' });
    alice = await server.createUser('alice');
  });
  afterAll(() => server.close());

  const createToken = (body: unknown, headers: Record<string, string> = {}) =>
    api(server.url, 'POST', '/api/v1/user/tokens', { auth: alice.basic, body, headers });

  it('validation errors: English by default, Chinese for Accept-Language zh, with the same code and field', async () => {
    const en = await createToken({ name: '', scopes: ['user'], expires_in_days: 7 });
    expect(en.body).toEqual({ error: 'invalid_request', error_description: 'name: must not be empty' });
    const zh = await createToken({ name: '', scopes: ['user'], expires_in_days: 7 }, ZH);
    expect(zh.status).toBe(400);
    expect(zh.body).toEqual({ error: 'invalid_request', error_description: 'name：不能为空' });
    expect(zh.headers.get('vary')).toMatch(/Accept-Language/);

    // zod's own checks are mapped too: no English sentence of the validation library leaks through.
    const zero = await createToken({ name: 'x', scopes: ['user'], expires_in_days: 0 }, ZH);
    expect(zero.body.error_description).toBe('expires_in_days：不能小于 1');
    expect((await createToken({ name: 'x', scopes: ['user'], expires_in_days: 0 })).body.error_description).toBe('expires_in_days: must be at least 1');
    const missing = await createToken({ scopes: ['user'] }, ZH);
    expect(missing.body.error_description).toBe('name：必须填写');
    const unknown = await createToken({ name: 'x', scopes: ['user'], expires_in_days: 1, colour: 'red' }, ZH);
    expect(unknown.body.error_description).toBe('未知字段：colour');
  });

  it('service errors, authentication errors, unknown routes and bad JSON are Chinese too', async () => {
    const scope = await createToken({ name: 'x', scopes: ['no:such'], expires_in_days: 7 }, ZH);
    expect(scope.body).toEqual({ error: 'invalid_scope', error_description: '未知的权限范围：no:such' });
    const cap = await createToken({ name: 'x', scopes: ['user'] }, ZH);
    expect(cap.body.error_description).toBe('令牌必须设置有效期：最长 30 天');

    const wrong = await api(server.url, 'GET', '/api/v1/user/tokens', { auth: `Basic ${Buffer.from('alice:nope-nope').toString('base64')}`, headers: ZH });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual({ error: 'invalid_credentials', error_description: '用户名或密码错误' });
    expect(wrong.headers.get('www-authenticate')).toMatch(/^Basic/);

    const bearer = await api(server.url, 'GET', '/api/v1/user', { auth: 'Bearer tsp_nothing', headers: ZH });
    expect(bearer.body.error_description).toBe('访问令牌无效、已过期或已被撤销');
    // The challenge header stays ASCII (RFC 6750 §3): only the body is translated.
    expect(bearer.headers.get('www-authenticate')).toContain('error_description="the access token is invalid, expired or revoked"');

    expect((await api(server.url, 'GET', '/api/v1/nothing', { headers: ZH })).body.error_description).toBe('没有 GET /api/v1/nothing 的路由');
    const json = await api(server.url, 'POST', '/api/v1/user/tokens', { auth: alice.basic, rawBody: '{"name":', headers: ZH });
    expect(json.body).toEqual({ error: 'invalid_request', error_description: '请求体不是有效的 JSON' });
  });

  it('the introspection endpoint answers in the caller’s language as well', async () => {
    const app = await registerApp(server.url, alice.basic, machineApp('resource server'));
    const refused = await introspect(server.url, app.basic, { token: 'x' }, ZH);
    expect(refused.status).toBe(403);
    expect(refused.body).toEqual({ error: 'unauthorized_client', error_description: '该客户端无权内省令牌' });
    expect((await introspect(server.url, app.basic, { token: 'x' })).body.error_description).toBe('this client is not allowed to introspect tokens');
  });

  describe('Chinese pages', () => {
    let web: WebClient;

    beforeAll(async () => {
      web = new WebClient(server.url, ZH);
      await web.signIn(alice.username, alice.password);
    });

    it('the token form shows service errors in Chinese, naming the form’s own labels', async () => {
      const _csrf = await web.csrf('/settings/tokens/new');
      const allowlist = await web.post('/settings/tokens', { _csrf, name: 'ci', expiry: '7', scopes: 'user', allowlist: 'not-an-address' });
      expect(allowlist.status).toBe(400);
      expect(allowlist.text).toMatch(/role="alert"[^]*无法保存：IP 白名单：“not-an-address”不是 IP 地址或 CIDR 网段/);
      const name = await web.post('/settings/tokens', { _csrf, name: '', expiry: '7', scopes: 'user' });
      expect(name.text).toMatch(/role="alert"[^]*名称：不能为空/);
      const tooFar = await web.post('/settings/tokens', { _csrf, name: 'ci', expiry: '90', scopes: 'user' });
      expect(tooFar.text).toMatch(/role="alert"[^]*有效期太长：最长 30 天/);
      expect(tooFar.text).not.toMatch(/longest allowed lifetime/);
    });

    it('the app form too', async () => {
      const res = await web.submitAppForm({ name: 'My app', redirect_uris: 'http://app.example/cb' });
      expect(res.status).toBe(400);
      expect(res.text).toMatch(/role="alert"[^]*回调地址：http:\/\/app\.example\/cb 必须使用 https/);
    });

    it('the token form’s scope groups have Chinese headings', async () => {
      const page = await web.get('/settings/tokens/new');
      expect(page.text).toMatch(/<h2 class="group-title" id="scope-group-project">项目<\/h2>/);
      expect(page.text).toMatch(/<h2 class="group-title" id="scope-group-user">用户<\/h2>/);
      expect(page.text).not.toMatch(/<h2 class="group-title"[^>]*>[a-z]+<\/h2>/);
    });
  });
});
