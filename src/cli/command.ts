/** One `tessera` command, e.g. `user create`. */
export interface Command {
  /** The words that select it: ['user', 'create']. */
  path: string[];
  summary: string;
  usage: string;
  /** Option lines for --help. */
  options?: string[];
  /**
   * How this command's input reaches the service's fields: field → flag (`expires_in_days` →
   * `--expires-in-days`), so an error names what the operator typed, not a JSON field.
   */
  flags?: Record<string, string>;
  run(args: string[]): Promise<void>;
}

/** Help text of one command. */
export function commandHelp(command: Command): string {
  const lines = [`${command.summary}\n`, `usage: ${command.usage}`];
  if (command.options?.length) lines.push('', 'options:', ...command.options.map((o) => `  ${o}`));
  lines.push('', 'Every command takes --json (machine-readable output) and reads the server\'s configuration from the environment.');
  return lines.join('\n');
}
