import { hiddenFields } from '../../src/oidc/provider-forms.js';
import { startTestServer, type TestServer } from '../support/harness.js';
import { hiddenField, WebClient } from '../support/web-client.js';

/**
 * The device pages take the provider's forms from its documented hooks: the confirmation page
 * embeds its form as it is; the code-entry page carries its hidden fields into Tessera's own form
 * (src/oidc/provider-forms.ts reads them from the provider's markup, which this pins).
 */
describe("the provider's device forms", () => {
  let server: TestServer;
  let clientId: string;

  beforeAll(async () => {
    server = await startTestServer();
    const owner = await server.createUser('alice');
    const { app } = await server.container.applications.create(await server.container.users.getByUsername(owner.username), {
      name: 'Terminal Tool',
      redirectUris: [],
      type: 'public',
      grantTypes: ['urn:ietf:params:oauth:grant-type:device_code'],
    });
    clientId = app.clientId;
  });
  afterAll(() => server?.close());

  async function startDevice(): Promise<string> {
    const res = await fetch(`${server.url}/device/auth`, { method: 'POST', body: new URLSearchParams({ client_id: clientId, scope: 'user' }) });
    return ((await res.json()) as { user_code: string }).user_code;
  }

  const count = (html: string, pattern: RegExp) => html.match(new RegExp(pattern, 'g'))?.length ?? 0;

  it("the code-entry page holds the provider's xsrf field, and only Tessera's code field", async () => {
    const page = await new WebClient(server.url).get('/device');
    expect(page.status).toBe(200);
    expect(count(page.text, /<input\b[^>]*name="xsrf"/)).toBe(1);
    expect(hiddenField(page.text, 'xsrf')).toMatch(/^[A-Za-z0-9_-]{16,}$/);
    expect(count(page.text, /name="user_code"/)).toBe(1);
    expect(page.text).toContain('<input type="text" id="user_code" name="user_code"');
  });

  it('what that page posts is what the provider checks: the right secret passes, another does not', async () => {
    const web = new WebClient(server.url);
    const xsrf = hiddenField((await web.get('/device')).text, 'xsrf')!;
    const refused = await web.post('/device', { xsrf: `${xsrf}x`, user_code: await startDevice() });
    expect(refused.text).not.toContain('id="op.deviceConfirmForm"');
    // The page it answers with holds a fresh secret, taken the same way.
    const confirm = await web.post('/device', { xsrf: hiddenField(refused.text, 'xsrf')!, user_code: await startDevice() });
    expect(confirm.status).toBe(200);
    expect(confirm.text).toContain('id="op.deviceConfirmForm"');
  });

  it("the confirmation page submits the provider's own form: its buttons approve or abort", async () => {
    for (const choice of ['approve', 'abort'] as const) {
      const web = new WebClient(server.url);
      const userCode = await startDevice();
      const confirm = await web.post('/device', { xsrf: hiddenField((await web.get('/device')).text, 'xsrf')!, user_code: userCode });
      const form = /<form id="op\.deviceConfirmForm"[\s\S]*?<\/form>/.exec(confirm.text)?.[0] ?? '';
      const fields = Object.fromEntries([...form.matchAll(/name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
      expect(Object.keys(fields).sort()).toEqual(['confirm', 'user_code', 'xsrf']);
      expect(confirm.text).toContain('<button type="submit" form="op.deviceConfirmForm" name="abort" value="yes">');
      const answer = await web.post('/device', choice === 'abort' ? { ...fields, abort: 'yes' } : fields);
      if (choice === 'approve') expect([answer.status, answer.location]).toEqual([303, expect.stringContaining('/interaction/')]);
      else expect([answer.status, answer.text]).toEqual([200, expect.stringContaining('role="alert"')]);
    }
  });

  it('hiddenFields keeps the hidden inputs as written and drops every other field', () => {
    const form = `<form id="op.deviceInputForm" novalidate method="post" action="https://id.example/device">
  <input type="hidden" name="xsrf" value="a&amp;b"/>
  <input
    type="text" name="user_code" placeholder="Enter code" autofocus autocomplete="off"></input>
  </form>`;
    expect(hiddenFields(form)).toBe('<input type="hidden" name="xsrf" value="a&amp;b"/>');
    expect(hiddenFields('<form></form>')).toBe('');
  });
});
