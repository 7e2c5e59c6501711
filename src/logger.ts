import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';

export type { Logger };

/**
 * Structured JSON logs. Request logs never carry headers, bodies or query strings, and
 * these paths are redacted as a second line of defence in case an object slips through.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options: LoggerOptions = {
    level,
    base: { service: 'tessera' },
    redact: {
      paths: [
        'password',
        '*.password',
        'token',
        '*.token',
        'secret',
        '*.secret',
        'client_secret',
        '*.client_secret',
        'authorization',
        '*.authorization',
        '*.headers.authorization',
        '*.headers.cookie',
      ],
      censor: '[redacted]',
    },
  };
  // stdout by default; the CLI passes stderr so its own output stays clean.
  return destination ? pino(options, destination) : pino(options);
}
