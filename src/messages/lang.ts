/** The languages Tessera speaks: its pages, and the error descriptions of its API. */
export type Lang = 'en' | 'zh';
export const LANGS: readonly Lang[] = ['en', 'zh'];
/** The language switcher's cookie: pages and API error descriptions both honour it. */
export const LANG_COOKIE = 'tessera.lang';

export function isLang(value: unknown): value is Lang {
  return value === 'en' || value === 'zh';
}

/**
 * The language a visitor gets: the switcher's cookie when set, otherwise the best
 * Accept-Language match (any zh-* → Simplified Chinese), otherwise English.
 */
export function chooseLang(cookie: string | undefined, acceptLanguage: string | undefined): Lang {
  if (isLang(cookie)) return cookie;
  const ranges = (acceptLanguage ?? '')
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      return { tag: tag.toLowerCase(), q: q ? Number(q.slice(2)) || 0 : 1, index };
    })
    .filter((r) => r.tag && r.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const { tag } of ranges) {
    const primary = tag.split('-')[0];
    if (primary === 'zh') return 'zh';
    if (primary === 'en') return 'en';
  }
  return 'en';
}

/** What requestLang reads of a request (a Koa context has both). */
export interface LangSource {
  get(field: string): string;
  cookies: { get(name: string): string | undefined };
}

/** A request's language, the same for every page and API error: chooseLang over its cookie and Accept-Language. */
export function requestLang(ctx: LangSource): Lang {
  return chooseLang(ctx.cookies.get(LANG_COOKIE), ctx.get('Accept-Language'));
}
