import { en, type MessageKey } from './en.js';
import { zh } from './zh.js';
import { fillPlaceholders } from '../../messages/index.js';
import type { Lang } from '../../messages/lang.js';

export type { MessageKey } from './en.js';
// Language negotiation is shared with the API's error descriptions (src/messages).
export { isLang, LANG_COOKIE, LANGS, requestLang, type Lang } from '../../messages/lang.js';

/** Native names, for the switcher. */
export const LANG_NAMES: Record<Lang, string> = { en: 'English', zh: '简体中文' };
/** The value of <html lang>. */
export const HTML_LANG: Record<Lang, string> = { en: 'en', zh: 'zh-Hans' };

const catalogues: Record<Lang, Record<MessageKey, string>> = { en, zh };

/** Translates a key, filling `{name}` placeholders. */
export type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

/** True for a key of the catalogues (for keys made from data, such as a scope family). */
export function hasTranslation(key: string): key is MessageKey {
  return Object.hasOwn(en, key);
}

export function translator(lang: Lang): Translate {
  const messages = catalogues[lang];
  return (key, vars) => fillPlaceholders(messages[key] ?? en[key], vars);
}
