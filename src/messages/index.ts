import { en, type MessageKey } from './en.js';
import type { Lang } from './lang.js';
import { zh } from './zh.js';

export type { MessageKey } from './en.js';
export { chooseLang, isLang, LANG_COOKIE, LANGS, requestLang, type Lang } from './lang.js';

export type MessageParams = Record<string, string | number>;

/**
 * What went wrong, independent of language: a stable key, its parameters and, when the problem
 * is one input, that input's name (a JSON field path such as `redirect_uris.0`). Rendered in a
 * language only at the edge: the API's error body, a page, the CLI's one line.
 */
export interface Message {
  key: MessageKey;
  params?: MessageParams;
  field?: string;
}

/** How a door names an input: a form label, a CLI flag; undefined keeps the JSON field name. */
export type FieldLabel = (field: string) => string | undefined;

const catalogues: Record<Lang, Record<MessageKey, string>> = { en, zh };

export function isMessageKey(value: unknown): value is MessageKey {
  return typeof value === 'string' && Object.hasOwn(en, value);
}

/** Fills `{name}` placeholders; unknown names stay as they are. */
export function fillPlaceholders(template: string, params?: MessageParams): string {
  return params ? template.replace(/\{(\w+)\}/g, (m, name: string) => (Object.hasOwn(params, name) ? String(params[name]) : m)) : template;
}

/** The message in a language, after its field's name as the caller names it. */
export function renderMessage(message: Message, lang: Lang, label?: FieldLabel): string {
  const text = fillPlaceholders(catalogues[lang][message.key] ?? en[message.key], message.params);
  if (!message.field) return text;
  const name = label?.(message.field) ?? message.field;
  return lang === 'zh' ? `${name}：${text}` : `${name}: ${text}`;
}

/** The first segment of a field path (`redirect_uris.0` → `redirect_uris`): what labels are keyed by. */
export function fieldRoot(field: string): string {
  const dot = field.indexOf('.');
  return dot === -1 ? field : field.slice(0, dot);
}

/** A label function from a table keyed by the field's first segment. */
export function labelsFrom(table: Record<string, string>): FieldLabel {
  return (field) => (Object.hasOwn(table, fieldRoot(field)) ? table[fieldRoot(field)] : undefined);
}
