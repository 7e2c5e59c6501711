import type { PersonalAccessToken } from '../../entities/index.js';
import { presentPat, presentPatWithSecret } from '../../http/presenters/pat-presenter.js';
import { createPatSchema, idParamSchema, listPatQuerySchema } from '../../http/schemas/pat-schemas.js';
import { integerFlag, listFlag, parseCommand } from '../args.js';
import { usageError } from '../cli-error.js';
import type { Command } from '../command.js';
import { findUser, validateInput } from '../inputs.js';
import { createOutput, table } from '../output.js';
import { withContainer } from '../runtime.js';
import { CLI } from '../../services/security-log.js';

const createUsage =
  'tessera token create <username> --name <name> --scopes <a,b> [--expires-in-days N] [--description D] [--ip-allowlist <cidr,…>] [--json]';

/**
 * `tessera token create`: a personal access token for a user, as if they had made it
 * themselves. In text mode stdout carries only the secret, so `TOKEN=$(tessera token create …)`
 * works; the details go to stderr.
 */
export const tokenCreateCommand: Command = {
  path: ['token', 'create'],
  summary: 'Create a personal access token for a user and print its secret (shown this once only).',
  usage: createUsage,
  options: [
    '--name <name>            what the token is for (required)',
    '--scopes <a,b>           scopes from the registry, separated by commas or spaces, or repeated (required; see GET /api/v1/scopes)',
    '--expires-in-days <n>    lifetime in days (default: no expiry, unless PAT_MAX_LIFETIME_DAYS requires one)',
    '--description <text>     a longer note',
    '--ip-allowlist <cidr,…>  addresses or CIDR ranges the token may be used from',
  ],
  flags: {
    name: '--name',
    description: '--description',
    scopes: '--scopes',
    expires_in_days: '--expires-in-days',
    ip_allowlist: '--ip-allowlist',
  },
  async run(args) {
    const { values, positionals } = parseCommand(
      args,
      {
        name: { type: 'string' },
        scopes: { type: 'string', multiple: true },
        'expires-in-days': { type: 'string' },
        description: { type: 'string' },
        'ip-allowlist': { type: 'string', multiple: true },
      },
      { min: 1, max: 1, usage: createUsage },
    );
    const input = validateInput(createPatSchema, {
      name: values.name ?? '',
      description: values.description,
      scopes: listFlag(values.scopes) ?? [],
      expires_in_days: integerFlag('expires-in-days', values['expires-in-days']),
      ip_allowlist: listFlag(values['ip-allowlist']),
    });
    const { record, owner } = await withContainer(async (c) => {
      const user = await findUser(c, positionals[0]!);
      const { pat, token } = await c.pats.create(user, input, 'personal', undefined, CLI);
      return { record: presentPatWithSecret(pat, token, c.clock(), c.pats.usePolicy), owner: user.username };
    });
    const out = createOutput(values.json);
    if (!out.json) {
      process.stderr.write(
        `Created token ${record.id} "${record.name}" for ${owner} (scopes: ${record.scopes.join(', ')}; expires: ${record.expires_at ?? 'never'}).\n` +
          'Copy it now: it will not be shown again.\n',
      );
    }
    out.result({ ...record, username: owner }, () => record.token);
  },
};

const listUsage = 'tessera token list <username> [--state all|active|inactive] [--json]';

/** `tessera token list`: a user's tokens, personal and impersonation, newest first. Never the secrets. */
export const tokenListCommand: Command = {
  path: ['token', 'list'],
  summary: "List a user's tokens (personal and impersonation), newest first. Secrets are never shown.",
  usage: listUsage,
  options: ['--state <s>              all (default), active, or inactive (revoked or expired)'],
  flags: { state: '--state' },
  async run(args) {
    const { values, positionals } = parseCommand(args, { state: { type: 'string' } }, { min: 1, max: 1, usage: listUsage });
    const { state } = validateInput(listPatQuerySchema, { state: values.state });
    const rows = await withContainer(async (c) => {
      const user = await findUser(c, positionals[0]!);
      const all: PersonalAccessToken[] = [];
      for (const kind of ['personal', 'impersonation'] as const) {
        for (let offset = 0; ; offset += 100) {
          const [page, total] = await c.pats.list(user, { state, offset, limit: 100 }, kind);
          all.push(...page);
          if (offset + page.length >= total || !page.length) break;
        }
      }
      return all.sort((a, b) => b.id - a.id).map((p) => presentPat(p, c.clock(), c.pats.usePolicy));
    });
    createOutput(values.json).result(rows, () =>
      table(
        rows.map((r) => ({ ...r, last_four: r.token_last_four, status: r.revoked ? 'revoked' : r.active ? 'active' : 'expired' })),
        ['id', 'name', 'scopes', 'last_four', 'status', 'impersonation', 'expires_at', 'last_used_at'],
      ),
    );
  },
};

const revokeUsage = 'tessera token revoke <id> [--json]';

/** `tessera token revoke`: any user's token, at once on every instance; the record stays, marked revoked. */
export const tokenRevokeCommand: Command = {
  path: ['token', 'revoke'],
  summary: 'Revoke a token by id (from `token list`). It stops working at once on every instance; the record is kept.',
  usage: revokeUsage,
  async run(args) {
    const { values, positionals } = parseCommand(args, {}, { min: 1, max: 1, usage: revokeUsage });
    const id = idParamSchema.safeParse(positionals[0]);
    if (!id.success || !/^\d+$/.test(positionals[0]!)) throw usageError(`"${positionals[0]}" is not a token id (see \`tessera token list <username>\`)`);
    const record = await withContainer(async (c) => presentPat(await c.pats.revokeById(id.data), c.clock(), c.pats.usePolicy));
    createOutput(values.json).result(record, () => `Revoked token ${record.id} "${record.name}".`);
  },
};
