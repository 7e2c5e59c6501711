import type { Clock } from '../clock.js';
import { ConfigError, type Config } from '../config/index.js';
import type { Logger } from '../logger.js';
import { ScopeRegistry, type ScopeDefinition } from '../scopes/scope-registry.js';
import type { SettingsStore } from '../stores/settings-store.js';

/**
 * The rules on what Tessera issues that come from the server's environment: every door must
 * apply the same ones, the `tessera` CLI included, whatever environment it runs in.
 */
export interface IssuancePolicy {
  /** PAT_MAX_LIFETIME_DAYS: 0 = tokens may live forever. */
  patMaxLifetimeDays: number;
  /** PAT_PREFIX: tokens with another prefix are not recognised. */
  patPrefix: string;
  /** PASSWORD_SCRYPT_N: the cost of new password hashes. */
  passwordScryptN: number;
  /** SCOPES_FILE: the scopes it adds to the built-in registry (its content, not its path). */
  scopeAdditions: ScopeDefinition[];
}

/** The policy this process's own configuration gives (reads SCOPES_FILE; a bad one is a ConfigError). */
export function policyFromConfig(config: Pick<Config, 'patMaxLifetimeDays' | 'patPrefix' | 'passwordScryptN' | 'scopesFile'>): IssuancePolicy {
  return {
    patMaxLifetimeDays: config.patMaxLifetimeDays,
    patPrefix: config.patPrefix,
    passwordScryptN: config.passwordScryptN,
    scopeAdditions: config.scopesFile ? ScopeRegistry.readScopesFile(config.scopesFile) : [],
  };
}

/** Each part of the policy, the variable that sets it, and how to name its value in a message. */
const PARTS: { variable: string; value(p: IssuancePolicy): unknown; show(p: IssuancePolicy): string }[] = [
  { variable: 'PAT_MAX_LIFETIME_DAYS', value: (p) => p.patMaxLifetimeDays, show: (p) => (p.patMaxLifetimeDays ? `${p.patMaxLifetimeDays} days` : '0 (no cap)') },
  { variable: 'PAT_PREFIX', value: (p) => p.patPrefix, show: (p) => `"${p.patPrefix}"` },
  { variable: 'PASSWORD_SCRYPT_N', value: (p) => p.passwordScryptN, show: (p) => String(p.passwordScryptN) },
  {
    variable: 'SCOPES_FILE',
    value: (p) => p.scopeAdditions,
    show: (p) => (p.scopeAdditions.length ? `scopes ${p.scopeAdditions.map((s) => s.name).join(', ')} added` : 'no scopes added'),
  },
];

/** Compared as JSON: the stored policy has been through JSON once. */
const same = (part: (typeof PARTS)[number], a: IssuancePolicy, b: IssuancePolicy) => JSON.stringify(part.value(a)) === JSON.stringify(part.value(b));

const SETTING = 'issuance_policy';

/**
 * The issuance policy kept in the database (`settings.issuance_policy`): the server writes its
 * own at every start; the CLI follows what is stored, and refuses to run when its own
 * environment sets one of these variables to something else.
 */
export class IssuancePolicyRecord {
  constructor(
    private readonly settings: SettingsStore,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  /** The server's side: stores its policy, noting in the log what changed since the last start. */
  async publish(policy: IssuancePolicy): Promise<IssuancePolicy> {
    const stored = await this.read();
    const changed = stored ? PARTS.filter((part) => !same(part, stored.policy, policy)).map((p) => p.variable) : [];
    if (changed.length) this.logger.warn({ changed }, 'the issuance policy differs from the one stored at the last start; storing this one (the CLI follows it)');
    await this.settings.put(SETTING, JSON.stringify(policy), this.clock());
    return policy;
  }

  /**
   * The CLI's side: the stored policy, unless the server never started on this database (then
   * this environment's). A variable this environment sets to another value than the server's
   * is a ConfigError: the CLI must not issue what the server would refuse.
   */
  async follow(own: IssuancePolicy, env: NodeJS.ProcessEnv): Promise<IssuancePolicy> {
    const stored = await this.read();
    if (!stored) return own;
    for (const part of PARTS) {
      if (env[part.variable] === undefined || same(part, own, stored.policy)) continue;
      throw new ConfigError(
        `${part.variable} gives ${part.show(own)} here, but the server enforces ${part.show(stored.policy)} ` +
          `(stored in the database at its start, ${stored.at.toISOString()}). Unset ${part.variable} to follow the server, or give it the server's value.`,
      );
    }
    return stored.policy;
  }

  private async read(): Promise<{ policy: IssuancePolicy; at: Date } | null> {
    const row = await this.settings.get(SETTING);
    return row ? { policy: JSON.parse(row.value) as IssuancePolicy, at: row.updatedAt } : null;
  }
}
