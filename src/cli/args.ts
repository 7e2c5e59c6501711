import { parseArgs, type ParseArgsConfig } from 'node:util';
import { usageError } from './cli-error.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** Flags every command accepts. */
export const commonOptions = {
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const satisfies Options;

/**
 * node:util parseArgs in strict mode, with its errors turned into usage errors (exit 2)
 * and a check on the number of positional arguments.
 */
export function parseCommand<O extends Options>(args: string[], options: O, positionals: { min: number; max: number; usage: string }) {
  let parsed;
  try {
    parsed = parseArgs({ args, options: { ...commonOptions, ...options }, allowPositionals: true, strict: true });
  } catch (err) {
    // Keep node's first sentence ("Unknown option '--x'"); the rest is advice about '--'.
    throw usageError(`${(err as Error).message.split(/\.\s|\n/)[0]} (usage: ${positionals.usage})`);
  }
  const count = parsed.positionals.length;
  if (!(parsed.values as { help?: boolean }).help && (count < positionals.min || count > positionals.max)) {
    const names = positionals.usage.split(' [')[0]!.split(' --')[0]!.match(/<[^>]+>|on\|off/g) ?? [];
    const problem = count < positionals.min ? `missing ${names.slice(count).join(' ') || 'argument'}` : `unexpected argument "${parsed.positionals[positionals.max]}"`;
    throw usageError(`${problem} (usage: ${positionals.usage})`);
  }
  return parsed;
}

/**
 * "a,b , c" or "a b c" (as OAuth writes scopes) → ["a","b","c"]; a repeated flag may also be given.
 */
export function listFlag(value: string | string[] | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  return (Array.isArray(value) ? value : [value]).flatMap((v) => v.split(/[\s,]+/)).filter(Boolean);
}

/** A whole number flag, or a usage error naming the flag. */
export function integerFlag(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^-?\d+$/.test(value.trim())) throw usageError(`--${name} must be a whole number, not "${value}"`);
  return Number(value);
}
