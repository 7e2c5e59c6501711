import { presentUser } from '../../http/presenters/user-presenter.js';
import { createUserSchema, toCreateUserInput } from '../../http/schemas/user-schemas.js';
import { integerFlag, parseCommand } from '../args.js';
import { usageError } from '../cli-error.js';
import type { Command } from '../command.js';
import { findUser, validateInput } from '../inputs.js';
import { createOutput, table } from '../output.js';
import { readPassword } from '../password-input.js';
import { CLI } from '../../services/security-log.js';
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
    const input = validateInput(createUserSchema, { ...fields, password: await newPassword() });
    const user = await withContainer((c) => c.users.create(toCreateUserInput(input), undefined, CLI));
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

/** The password from TESSERA_PASSWORD or stdin, checked by the API's rule before anything is opened. */
async function newPassword(): Promise<string> {
  const password = await readPassword();
  if (!password) throw usageError('no password given: set TESSERA_PASSWORD or pass it on stdin');
  return validateInput(createUserSchema.pick({ password: true }), { password }).password;
}

const setPasswordUsage = 'tessera user set-password <username> [--json]';

/**
 * `tessera user set-password`: an operator's password reset. The password comes from
 * TESSERA_PASSWORD or stdin, as for `user create`; the account is signed out everywhere.
 */
export const userSetPasswordCommand: Command = {
  path: ['user', 'set-password'],
  summary:
    "Set an account's password, read from TESSERA_PASSWORD or stdin (prompted on a terminal). The account's web and OAuth sign-in sessions end; its tokens keep working.",
  usage: setPasswordUsage,
  flags: { username: '<username>' },
  async run(args) {
    const { values, positionals } = parseCommand(args, {}, { min: 1, max: 1, usage: setPasswordUsage });
    const password = await newPassword();
    const user = await withContainer(async (c) => {
      const account = await findUser(c, positionals[0]!);
      await c.users.setPassword(account, password);
      return account;
    });
    createOutput(values.json).result({ username: user.username, password_set: true, sessions_ended: true }, () => `Set the password of ${user.username}; it is signed out everywhere.`);
  },
};
