import { z } from 'zod';

/**
 * Free text people type (names, descriptions, display names, search terms, URLs), one rule for
 * every schema, so the API, the web forms and the CLI accept the same text:
 *
 * - Well-formed UTF-16. A lone surrogate (JSON "\ud800" parses to one) has no UTF-8 form: the
 *   database would silently store U+FFFD instead.
 * - No control characters: C0 (U+0000–U+001F), DEL, C1 (U+0080–U+009F), the line and
 *   paragraph separators (U+2028, U+2029), and the bidirectional embeddings, overrides and
 *   isolates (U+202A–U+202E, U+2066–U+2069), which could make a name on a consent page or
 *   in a terminal read as something else.
 * - Text that may span lines (a description) may also hold tabs and line feeds; CR LF (what a
 *   browser's textarea sends) and a lone CR are stored as LF.
 */
const LONE_SURROGATE = /\p{Cs}/u;
const CONTROL_IN_LINE = /[\p{Cc}\u2028\u2029\u202A-\u202E\u2066-\u2069]/u;
const CONTROL_IN_PARAGRAPH = /[^\P{Cc}\t\n]|[\u2028\u2029\u202A-\u202E\u2066-\u2069]/u;

const codePoint = (char: string) => `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

function plainText(control: RegExp) {
  return function checkPlainText(value: string, ctx: z.RefinementCtx): void {
    const surrogate = LONE_SURROGATE.exec(value);
    if (surrogate) {
      ctx.addIssue({ code: 'custom', message: 'v.lone_surrogate', params: { char: codePoint(surrogate[0]) } });
      return;
    }
    const found = control.exec(value);
    if (found) ctx.addIssue({ code: 'custom', message: 'v.control_characters', params: { char: codePoint(found[0]) } });
  };
}

/** One line of text (a name, a search term, a URL): trimmed, at most `max` characters. */
export function lineOfText(max: number) {
  return z.string().trim().max(max, 'v.chars_max').superRefine(plainText(CONTROL_IN_LINE));
}

/** Text that may span lines (a description): tabs and line breaks allowed, stored with LF. */
export function paragraphOfText(max: number) {
  return z
    .string()
    .overwrite((v) => v.replace(/\r\n?/g, '\n'))
    .trim()
    .max(max, 'v.chars_max')
    .superRefine(plainText(CONTROL_IN_PARAGRAPH));
}
