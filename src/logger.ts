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
        // A failed query's values (password hashes, token digests) as TypeORM and mysql2 attach them.
        'err.parameters',
        'err.sql',
        'err.driverError.sql',
        'err.driverError.parameters',
      ],
      censor: '[redacted]',
    },
  };
  // The CLI passes stderr so its own output stays clean; tests pass a buffer.
  return pino(options, destination ?? batchedStdout());
}

/**
 * Asynchronous, batched writes: a log line per request must not cost a write(2) each on the
 * hot path. Under load lines leave in 4 KB batches; when quiet, within a quarter second;
 * pino flushes what is left when the process exits.
 */
function batchedStdout(): DestinationStream {
  const destination = pino.destination({ dest: 1, sync: false, minLength: 4096 });
  setInterval(() => destination.flush(), 250).unref();
  return destination;
}
