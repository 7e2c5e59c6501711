import type { RouteEntry } from './routes.js';

/**
 * A fixed, seeded set of hostile requests for each route: what an attacker or a broken client
 * sends. Deterministic: the same seed gives the same requests in the same order.
 */
export interface HostileRequest {
  label: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

/** Credentials a request may carry (filled in by the suite once the fixtures exist). */
export interface Credentials {
  basicUser: string;
  basicAdmin: string;
  bearerPat: string;
  /** `tessera.sid=…` of a signed-in admin, and the CSRF token of that session. */
  sessionCookie: string;
  csrf: string;
  clientBasic: string;
}

/** mulberry32: a tiny seeded PRNG, so "random" choices are the same on every run. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Values for path parameters (`:id`, `:username`, `:uid`, …), already percent-encoded where needed. */
const PARAMS = [
  '0',
  '-1',
  '2147483648',
  '99999999999999999999999',
  '1e5',
  '0x1f',
  '1.5',
  'NaN',
  'a'.repeat(300),
  "x'%20OR%201%3D1%20--",
  '%00',
  '%ED%A0%80', // a lone surrogate, as UTF-8 would spell it (invalid)
  '%FF%FE',
  '%E0%A4%A',
  '..%2F..%2Fetc%2Fpasswd',
  '__proto__',
  'constructor',
  '%E2%80%AE',
  '%F0%9F%98%80',
  'admin',
];

const deepJson = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

/** Bodies, as raw bytes with the content type they claim. */
function bodies(csrf: string): [string, string, Buffer | string][] {
  const withCsrf = (form: string) => `_csrf=${encodeURIComponent(csrf)}&${form}`;
  return [
    ['malformed JSON', 'application/json', '{"name": "x",'],
    ['JSON null', 'application/json', 'null'],
    ['JSON array', 'application/json', '[1,2,3]'],
    ['JSON string', 'application/json', '"user"'],
    ['deeply nested JSON', 'application/json', deepJson(20_000)],
    ['JSON with NUL', 'application/json', '{"name":"a\\u0000b","description":"\\u0000","username":"\\u0000"}'],
    ['JSON lone surrogate', 'application/json', '{"name":"\\ud800","scopes":["\\udfff"],"username":"\\ud83d"}'],
    ['overlong strings', 'application/json', JSON.stringify({ name: 'n'.repeat(100_000), description: 'd'.repeat(100_000), scopes: ['s'.repeat(10_000)], username: 'u'.repeat(10_000), email: `${'e'.repeat(10_000)}@x.y` })],
    ['wrong types', 'application/json', '{"name":123,"scopes":"user","expires_at":true,"expires_in_days":"ten","redirect_uris":{"a":1},"admin":"yes","introspection":[]}'],
    ['wrong element types', 'application/json', '{"name":["a"],"scopes":[1,null,{}],"redirect_uris":[null,7],"grant_types":[[]]}'],
    ['prototype keys', 'application/json', '{"__proto__":{"isAdmin":true},"constructor":{"prototype":{"x":1}},"name":"p","scopes":["user"]}'],
    ['out-of-range numbers', 'application/json', '{"name":"n","scopes":["user"],"expires_in_days":1e309,"offset":-1,"limit":9007199254740993}'],
    ['negative and huge days', 'application/json', '{"name":"n","scopes":["user"],"expires_in_days":-5}'],
    ['far dates', 'application/json', '{"name":"n","scopes":["user"],"expires_at":"+275760-09-13T00:00:00.000Z"}'],
    ['SQL-looking strings', 'application/json', JSON.stringify({ name: "'; DROP TABLE users; --", username: "admin' --", email: "a'@b.c", search: "%' OR '1'='1", password: "' OR 1=1 --" })],
    ['JSON with BOM', 'application/json', '\ufeff{"name":"bom","scopes":["user"]}'],
    ['invalid UTF-8', 'application/json', Buffer.from([0x7b, 0x22, 0x6e, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0xc3, 0x28, 0x22, 0x7d])],
    ['JSON as text/plain', 'text/plain', '{"name":"x","scopes":["user"]}'],
    ['multipart junk', 'multipart/form-data; boundary=zz', '--zz\r\nContent-Disposition: form-data; name="x"\r\n\r\ny\r\n--zz--'],
    ['form as JSON type', 'application/json', 'a=1&b=2'],
    ['JSON, latin1 charset', 'application/json; charset=latin1', '{"name":"caf\u00e9"}'],
    ['JSON, unknown charset', 'application/json; charset=x-klingon', '{"name":"x"}'],
    ['form, utf-16 charset', 'application/x-www-form-urlencoded; charset=utf-16', 'a=1'],
    ['duplicate form parameters', 'application/x-www-form-urlencoded', withCsrf('token=a&token=b&client_id=x&client_id=y&name=a&name=b&scopes=user&scopes=user&grant_type=a&grant_type=b')],
    ['broken percent-encoding', 'application/x-www-form-urlencoded', withCsrf('name=%&token=%zz&username=%E0%A4%A&password=%ED%A0%80')],
    ['form with NUL', 'application/x-www-form-urlencoded', withCsrf('name=a%00b&username=%00&password=%00&user_code=%00&token=%00&redirect_uris=%00')],
    ['form arrays and objects', 'application/x-www-form-urlencoded', withCsrf('scopes[]=user&scopes[x]=y&name[]=a&expires_at[]=1&next[]=/x')],
    ['form, huge value', 'application/x-www-form-urlencoded', withCsrf(`name=${'x'.repeat(70_000)}`)],
    ['form, absurd dates', 'application/x-www-form-urlencoded', withCsrf('name=n&scopes=user&expiration=custom&expires_at=99999-12-31&expires_in_days=1e309')],
    ['form, open redirect', 'application/x-www-form-urlencoded', withCsrf('next=//evil.example/x&redirect_uri=javascript:alert(1)&post_logout_redirect_uri=http://evil.example')],
    ['no content type', '', '{"name":"x"}'],
    ['huge body (2 MB)', 'application/json', `{"name":"${'x'.repeat(2 * 1024 * 1024)}"}`],
  ];
}

const QUERIES = ['', '?offset=-1&limit=1e9', '?search=%00&search=a', '?next=//evil.example', '?v[]=1&lang[]=x', '?page=__proto__&limit=NaN', '?client_id=%ED%A0%80&scope=%00', `?q=${'q'.repeat(5000)}`];

/** The headers a request is sent with, by the credential it carries. */
function credentialSets(c: Credentials): [string, Record<string, string>][] {
  return [
    ['no credentials', {}],
    ['user (Basic)', { Authorization: c.basicUser }],
    ['admin (Basic)', { Authorization: c.basicAdmin }],
    ['wrong Basic', { Authorization: 'Basic ' + Buffer.from('admin:wrong').toString('base64') }],
    ['broken Basic', { Authorization: 'Basic !!!not-base64' }],
    ['Basic without colon', { Authorization: 'Basic ' + Buffer.from('nocolon').toString('base64') }],
    ['huge Basic', { Authorization: 'Basic ' + Buffer.from(`${'u'.repeat(6000)}:${'p'.repeat(2000)}`).toString('base64') }],
    ['PAT (Bearer)', { Authorization: `Bearer ${c.bearerPat}` }],
    ['garbage Bearer', { Authorization: 'Bearer ' + 'g'.repeat(5000) }],
    ['Bearer with NUL-ish', { Authorization: 'Bearer tsp_\u00ff\u00fe' }],
    ['other scheme', { Authorization: 'Digest username="x"' }],
    ['app client (Basic)', { Authorization: c.clientBasic }],
    ['session cookie', { Cookie: c.sessionCookie }],
    ['garbage cookies', { Cookie: `tessera.sid=${'z'.repeat(3000)}; _session=x; _session.sig=y; _interaction=%00; tessera.lang=\u00ff` }],
  ];
}

/**
 * The requests for one route: each hostile body, query and credential, combined with seeded
 * choices of path parameters. Every route also gets the wrong method once.
 */
export function hostileRequests(route: RouteEntry, c: Credentials, random: () => number): HostileRequest[] {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const fill = (path: string) => path.replace(/:(\w+)/g, () => pick(PARAMS));
  const creds = credentialSets(c);
  const out: HostileRequest[] = [];
  const add = (label: string, method: string, headers: Record<string, string>, body?: Buffer | string, contentType?: string) => {
    const h = { ...headers };
    if (contentType) h['Content-Type'] = contentType;
    out.push({ label, method, path: fill(route.path) + (method === 'GET' ? pick(QUERIES) : ''), headers: h, body: body === undefined ? undefined : Buffer.from(body) });
  };

  for (const [label, headers] of creds) add(`${label}`, route.method, headers);
  if (route.method !== 'GET') {
    for (const [label, type, body] of bodies(c.csrf)) {
      const [credLabel, headers] = pick(creds);
      add(`${label}, ${credLabel}`, route.method, headers, body, type || undefined);
    }
  } else {
    for (const query of QUERIES) {
      const [credLabel, headers] = pick(creds);
      out.push({ label: `query ${query.slice(0, 40)}, ${credLabel}`, method: 'GET', path: fill(route.path) + query, headers: { ...headers } });
    }
  }
  add('wrong method', route.method === 'DELETE' ? 'PUT' : 'DELETE', pick(creds)[1]);
  add('OPTIONS', 'OPTIONS', { Origin: 'https://evil.example', 'Access-Control-Request-Method': route.method });
  add('huge header', route.method, { 'X-Filler': 'f'.repeat(20_000) });
  add('many headers', route.method, Object.fromEntries(Array.from({ length: 150 }, (_, i) => [`X-H${i}`, String(i)])));
  return out;
}
