import fs from 'node:fs';
import { z } from 'zod';
import { ConfigError } from '../config/index.js';
import { invalidScope, message } from '../errors.js';
import { defaultScopes } from './default-scopes.js';
import { oidcScopes } from './oidc-scopes.js';

export type ScopeAccess = 'read' | 'read-write';

/** One scope, as consent pages, the PAT form, discovery and API checks all see it. */
export interface ScopeDefinition {
  name: string;
  access: ScopeAccess;
  description: { en: string; zh: string };
  /** Scopes this one also grants (e.g. project:task implies project). */
  implies?: string[];
  /** 'oidc' scopes (openid, profile, …) belong to the OAuth flow only, never to a PAT. */
  kind?: 'api' | 'oidc';
  /** Whether a token granted this scope is worth telling its owner about (a notice by mail and on the notifications page). */
  sensitive?: boolean;
}

const scopeName = z.string().regex(/^[a-z][a-z0-9_.-]*(:[a-z0-9_.-]+)*$/, 'scope names are lowercase words joined by ":"');

const scopeFileSchema = z.array(
  z.object({
    name: scopeName,
    access: z.enum(['read', 'read-write']),
    description: z.object({ en: z.string().min(1), zh: z.string().min(1) }),
    implies: z.array(scopeName).optional(),
    sensitive: z.boolean().optional(),
  }),
);

/**
 * THE scope registry: one source of truth for consent, the PAT form, discovery's
 * scopes_supported and API checks. Immutable once built.
 */
export class ScopeRegistry {
  private readonly byName: ReadonlyMap<string, ScopeDefinition>;
  /** Each scope's closure under `implies`, computed once. */
  private readonly closure: ReadonlyMap<string, ReadonlySet<string>>;

  constructor(definitions: ScopeDefinition[]) {
    const byName = new Map<string, ScopeDefinition>();
    for (const d of definitions) {
      if (byName.has(d.name)) throw new Error(`scope ${d.name} is defined twice`);
      byName.set(d.name, { kind: 'api', ...d });
    }
    for (const d of byName.values()) {
      for (const implied of d.implies ?? []) {
        if (!byName.has(implied)) throw new Error(`scope ${d.name} implies unknown scope ${implied}`);
      }
    }
    this.byName = byName;
    const closure = new Map<string, Set<string>>();
    for (const name of byName.keys()) {
      const seen = new Set<string>();
      const stack = [name];
      while (stack.length) {
        const next = stack.pop()!;
        if (seen.has(next)) continue;
        seen.add(next);
        stack.push(...(byName.get(next)!.implies ?? []));
      }
      closure.set(name, seen);
    }
    this.closure = closure;
  }

  /** Built-in scopes plus the operator's SCOPES_FILE, if any. */
  static load(scopesFile?: string): ScopeRegistry {
    return ScopeRegistry.withAdditions(scopesFile ? ScopeRegistry.readScopesFile(scopesFile) : []);
  }

  /**
   * The scopes SCOPES_FILE adds, parsed and checked against the built-ins. A bad file is bad
   * configuration: one clear line at start, naming the variable.
   */
  static readScopesFile(scopesFile: string): ScopeDefinition[] {
    try {
      const additions = parseScopesFile(scopesFile);
      new ScopeRegistry([...oidcScopes, ...defaultScopes, ...additions]);
      return additions;
    } catch (err) {
      const message = (err as Error).message;
      throw new ConfigError(`Invalid configuration: ${message.startsWith('SCOPES_FILE') ? message : `SCOPES_FILE ${scopesFile}: ${message}`}`);
    }
  }

  /** The built-in scopes plus additions (from SCOPES_FILE, or the server's stored policy). */
  static withAdditions(additions: readonly ScopeDefinition[]): ScopeRegistry {
    return new ScopeRegistry([...oidcScopes, ...defaultScopes, ...additions]);
  }

  all(): ScopeDefinition[] {
    return [...this.byName.values()];
  }

  /** Scopes a personal access token may carry (OIDC scopes excluded). */
  apiScopes(): ScopeDefinition[] {
    return this.all().filter((s) => s.kind === 'api');
  }

  names(): string[] {
    return [...this.byName.keys()];
  }

  get(name: string): ScopeDefinition | undefined {
    return this.byName.get(name);
  }

  /**
   * Validates scopes requested for a personal access token; returns them de-duplicated,
   * in registry order. Unknown or OIDC-only scopes fail with invalid_scope naming the scope.
   */
  validateForToken(requested: readonly string[]): string[] {
    const wanted = new Set(requested);
    for (const name of wanted) {
      const def = this.byName.get(name);
      if (!def) throw invalidScope(message('scope.unknown', { scope: name }));
      if (def.kind !== 'api') throw invalidScope(message('scope.oidc_only', { scope: name }));
    }
    return this.names().filter((n) => wanted.has(n));
  }

  /** True when the granted scopes (with what they imply) cover every required scope. */
  satisfies(granted: readonly string[], required: readonly string[]): boolean {
    return required.every((r) => granted.some((g) => this.closure.get(g)?.has(r) ?? g === r));
  }
}

function parseScopesFile(file: string): ScopeDefinition[] {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`SCOPES_FILE ${file} cannot be read as JSON: ${(err as Error).message}`);
  }
  const parsed = scopeFileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`SCOPES_FILE ${file}: ${issue.path.join('.')} ${issue.message}`);
  }
  return parsed.data;
}
