import { en, type MessageKey } from './en.js';
import { zh } from './zh.js';

export type { MessageKey } from './en.js';
export type Lang = 'en' | 'zh';
export const LANGS: readonly Lang[] = ['en', 'zh'];
export const LANG_COOKIE = 'tessera.lang';

/** Native names, for the switcher. */
export const LANG_NAMES: Record<Lang, string> = { en: 'English', zh: '简体中文' };
/** The value of <html lang>. */
export const HTML_LANG: Record<Lang, string> = { en: 'en', zh: 'zh-Hans' };

const catalogues: Record<Lang, Record<MessageKey, string>> = { en, zh };

/** Translates a key, filling `{name}` placeholders. */
export type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

export function translator(lang: Lang): Translate {
  const messages = catalogues[lang];
  return (key, vars) => {
    const text = messages[key] ?? en[key];
    return vars ? text.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m)) : text;
  };
}

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
