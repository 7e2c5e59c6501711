import { presentUser } from '../../http/presenters/user-presenter.js';
import { createUserSchema } from '../../http/schemas/user-schemas.js';
import { integerFlag, parseCommand } from '../args.js';
import { usageError } from '../cli-error.js';
import type { Command } from '../command.js';
import { validateInput } from '../inputs.js';
import { createOutput, table } from '../output.js';
import { readPassword } from '../password-input.js';
import { withContainer } from '../runtime.js';

const createUsage = 'tessera user create <username> --email <email> [--admin] [--display-name <name>] [--json]';

/** `tessera user create`: a new account; the password comes from TESSERA_PASSWORD or stdin. */
export const userCreateCommand: Command = {
  path: ['user', 'create'],
  summary: 'Create an account. The password is read from TESSERA_PASSWORD, or from stdin (prompted on a terminal).',
  usage: createUsage,
  options: [
    '--email <email>          the account\'s email address (required)',
    '--admin                  make the account an administrator',
    '--display-name <name>    name shown in the web pages (default: the username)',
  ],
  flags: { username: '<username>', email: '--email', name: '--display-name', admin: '--admin' },
  async run(args) {
    const { values, positionals } = parseCommand(
      args,
      { email: { type: 'string' }, admin: { type: 'boolean', default: false }, 'display-name': { type: 'string' } },
      { min: 1, max: 1, usage: createUsage },
    );
    const fields = { username: positionals[0], email: values.email ?? '', name: values['display-name'], admin: values.admin };
    // Everything else is checked before anyone is asked to type a password.
    validateInput(createUserSchema.omit({ password: true }), fields);
    const password = await readPassword();
    if (!password) throw usageError('no password given: set TESSERA_PASSWORD or pass it on stdin');
    const input = validateInput(createUserSchema, { ...fields, password });
    const user = await withContainer((c) =>
      c.users.create({ username: input.username, email: input.email, displayName: input.name, password: input.password, isAdmin: input.admin }),
    );
    createOutput(values.json).result(presentUser(user), () => `Created ${user.isAdmin ? 'administrator' : 'user'} ${user.username} (id ${user.id}).`);
  },
};

const listUsage = 'tessera user list [--offset N] [--limit N] [--json]';

/** `tessera user list`: accounts, oldest first. */
export const userListCommand: Command = {
  path: ['user', 'list'],
  summary: 'List accounts.',
  usage: listUsage,
  options: ['--offset <n>             skip the first n accounts (default 0)', '--limit <n>              at most n accounts (default 100)'],
  async run(args) {
    const { values } = parseCommand(args, { offset: { type: 'string' }, limit: { type: 'string' } }, { min: 0, max: 0, usage: listUsage });
    const offset = integerFlag('offset', values.offset) ?? 0;
    const limit = integerFlag('limit', values.limit) ?? 100;
    if (offset < 0) throw usageError('--offset must be 0 or more');
    if (limit < 1 || limit > 1000) throw usageError('--limit must be between 1 and 1000');
    const [users, total] = await withContainer((c) => c.users.list(offset, limit));
    const rows = users.map(presentUser);
    createOutput(values.json).result(rows, () => {
      const more = total > offset + rows.length ? `\n(${total} in all; use --offset to see more)` : '';
      return table(rows, ['id', 'username', 'email', 'name', 'admin', 'created_at']) + more;
    });
  },
};
