/** Exit status for a command line that is wrong (bad flag, missing argument, invalid value). */
export const EXIT_USAGE = 2;
/** Exit status for a command that was well-formed but failed (unknown user, conflict, database down). */
export const EXIT_FAILURE = 1;

/** An error the CLI reports as one line on stderr, with its exit status; never a stack trace. */
export class CliError extends Error {
  override name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: number = EXIT_FAILURE,
  ) {
    super(message);
  }
}

export const usageError = (message: string) => new CliError(message, EXIT_USAGE);
