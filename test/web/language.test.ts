import { startTestServer, type TestServer } from '../support/harness.js';
import { WebClient } from '../support/web-client.js';

/** Choosing the page language: the switcher's cookie, else Accept-Language (with q-values), else English. */
describe('page language', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  const langOf = async (headers: Record<string, string>) => /<html lang="([^"]+)">/.exec((await new WebClient(server.url, headers).get('/login')).text)?.[1];

  it('follows Accept-Language by preference order and q-values', async () => {
    expect(await langOf({})).toBe('en');
    expect(await langOf({ 'Accept-Language': 'zh-CN' })).toBe('zh-Hans');
    expect(await langOf({ 'Accept-Language': 'zh-TW,zh;q=0.9' })).toBe('zh-Hans');
    expect(await langOf({ 'Accept-Language': 'en;q=0.5, zh;q=0.8' })).toBe('zh-Hans');
    expect(await langOf({ 'Accept-Language': 'de-DE, en;q=0.7, zh;q=0.6' })).toBe('en');
    expect(await langOf({ 'Accept-Language': 'fr' })).toBe('en');
    expect(await langOf({ 'Accept-Language': 'zh;q=0' })).toBe('en');
    const res = await new WebClient(server.url).get('/login');
    expect(res.headers.get('vary')).toMatch(/Accept-Language/);
  });

  it('the switcher sets a long-lived cookie that wins over Accept-Language; unknown languages are ignored', async () => {
    const web = new WebClient(server.url, { 'Accept-Language': 'en-US' });
    const login = await web.get('/login');
    expect(login.text).toContain('href="/language/zh?next=%2Flogin"');
    const switched = await web.get('/language/zh?next=%2Flogin');
    expect(switched.status).toBe(303);
    expect(switched.location).toBe('/login');
    const cookie = switched.setCookies.find((l) => l.startsWith('tessera.lang=zh'))!;
    expect(cookie).toMatch(/max-age|expires/i);
    expect(cookie).toMatch(/samesite=lax/i);
    const page = await web.get('/login');
    expect(page.text).toContain('<html lang="zh-Hans">');
    expect(page.text).toContain('<h1>登录</h1>');
    expect(page.text).toContain('<span aria-current="true" lang="zh-Hans">简体中文</span>');

    expect((await web.get('/language/fr?next=%2Flogin')).setCookies.some((l) => l.startsWith('tessera.lang='))).toBe(false);
    expect((await web.get('/login')).text).toContain('<html lang="zh-Hans">');
  });
});
