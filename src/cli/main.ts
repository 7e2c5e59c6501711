import { ConfigError } from '../config/index.js';
import { ApiError } from '../errors.js';
import { CliError, EXIT_FAILURE, EXIT_USAGE } from './cli-error.js';
import { commandError } from './inputs.js';
import { commandHelp, type Command } from './command.js';
import { cleanupCommand } from './commands/cleanup.js';
import { clientCreateCommand, clientDeleteCommand, clientListCommand, clientSetIntrospectionCommand } from './commands/client.js';
import { jwksGenerateCommand } from './commands/jwks.js';
import { migrateCommand } from './commands/migrate.js';
import { notifyRunCommand } from './commands/notify.js';
import { tokenCreateCommand, tokenListCommand, tokenRevokeCommand } from './commands/token.js';
import { userCreateCommand, userListCommand, userSetPasswordCommand } from './commands/user.js';

/** Every `tessera` command, in the order --help lists them. */
const commands: Command[] = [
  migrateCommand,
  userCreateCommand,
  userListCommand,
  userSetPasswordCommand,
  tokenCreateCommand,
  tokenListCommand,
  tokenRevokeCommand,
  clientCreateCommand,
  clientListCommand,
  clientDeleteCommand,
  clientSetIntrospectionCommand,
  cleanupCommand,
  notifyRunCommand,
  jwksGenerateCommand,
];

function overview(): string {
  return [
    'tessera: administer a Tessera server from the command line.',
    '',
    'usage: tessera <command> [options]',
    '',
    'commands:',
    ...commands.map((c) => `  ${c.path.join(' ').padEnd(24)} ${c.summary.split('. ')[0]!.replace(/\.$/, '')}`),
    '',
    'Run `tessera <command> --help` for a command\'s options. Every command takes --json.',
    'Configuration comes from the same environment variables as the server (docs/configuration.md).',
    'Exit status: 0 done, 1 failed (e.g. unknown user, conflict, database down), 2 bad command line.',
  ].join('\n');
}

/** Finds the command named by the leading words of argv and runs it with the rest. */
async function main(argv: string[]): Promise<void> {
  const wantsHelp = argv.includes('--help') || argv.includes('-h');
  if (!argv.length || argv[0] === 'help' || (wantsHelp && argv[0]!.startsWith('-'))) {
    process.stdout.write(`${overview()}\n`);
    return;
  }
  const command = commands.find((c) => c.path.every((word, i) => argv[i] === word));
  if (!command) {
    const group = commands.filter((c) => c.path[0] === argv[0]);
    if (group.length && (argv.length === 1 || wantsHelp)) {
      process.stdout.write(`${group.map((c) => `${c.usage}\n    ${c.summary}`).join('\n\n')}\n`);
      if (!wantsHelp) process.exitCode = EXIT_USAGE;
      return;
    }
    const known = group.length ? `; ${argv[0]} has: ${group.map((c) => c.path[1]).join(', ')}` : '';
    throw new CliError(`unknown command "${argv.slice(0, group.length ? 2 : 1).join(' ')}"${known} (see tessera --help)`, EXIT_USAGE);
  }
  const rest = argv.slice(command.path.length);
  if (wantsHelp) {
    process.stdout.write(`${commandHelp(command)}\n`);
    return;
  }
  try {
    await command.run(rest);
  } catch (err) {
    throw commandError(err, command);
  }
}

/** One line on stderr, never a stack trace (unless LOG_LEVEL is debug or trace). */
function report(err: unknown): number {
  if (err instanceof CliError) return fail(err.message, err.exitCode);
  // A 400 from a service is bad input on the command line (e.g. an unknown scope).
  if (err instanceof ApiError) return fail(err.description, err.status === 400 ? EXIT_USAGE : EXIT_FAILURE);
  if (err instanceof ConfigError) return fail(err.message, EXIT_FAILURE);
  const verbose = process.env.LOG_LEVEL === 'debug' || process.env.LOG_LEVEL === 'trace';
  return fail(verbose && err instanceof Error ? (err.stack ?? err.message) : err instanceof Error ? err.message : String(err), EXIT_FAILURE);
}

function fail(message: string, code: number): number {
  process.stderr.write(`tessera: ${message}\n`);
  return code;
}

main(process.argv.slice(2)).then(
  () => exitSoon(process.exitCode === undefined ? 0 : Number(process.exitCode)),
  (err: unknown) => exitSoon(report(err)),
);

/** Lets stdout drain, then exits even if a driver left a socket or timer behind. */
function exitSoon(code: number): void {
  process.exitCode = code;
  setTimeout(() => process.exit(code), 2000).unref();
}
