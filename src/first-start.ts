import type { Logger } from './logger.js';
import type { FirstAdministrator } from './services/user-service.js';

/**
 * Tells the operator what the start did about the first administrator. A generated password
 * goes to the terminal once, never through the structured logger; an instance with users but no
 * administrator (accounts made with the CLI before the first start) says so, and how to make one.
 */
export function announceFirstAdministrator(
  found: FirstAdministrator,
  presetPassword: string | undefined,
  logger: Logger,
  terminal: NodeJS.WritableStream = process.stderr,
): void {
  switch (found.outcome) {
    case 'created':
      if (presetPassword) {
        logger.info({ username: found.user.username }, 'first start: created the administrator with the password from TESSERA_ADMIN_PASSWORD');
        return;
      }
      terminal.write(
        `\n  First start: created administrator "${found.user.username}" with password\n\n      ${found.password}\n\n  Keep it somewhere safe; it will not be shown again.\n\n`,
      );
      return;
    case 'no_admin':
      logger.warn({ users: found.users }, 'no administrator: users existed before the first start, so "admin" was not created; see the message on stderr');
      terminal.write(
        `\n  No administrator: the database already had ${found.users} user(s) when Tessera first started (made\n` +
          `  with \`tessera user create\` before, for instance), so the first administrator "admin" was not\n` +
          `  created${presetPassword ? ' and TESSERA_ADMIN_PASSWORD was not used' : ''}. Make one from the command line, with the server's environment:\n\n` +
          `      npx tessera user create <username> --email <email> --admin\n\n` +
          `  (it asks for the password; \`npx tessera user set-password <username>\` resets an account's password).\n\n`,
      );
      return;
    case 'admin_exists':
      if (presetPassword) logger.info('TESSERA_ADMIN_PASSWORD ignored: an administrator exists already');
  }
}
