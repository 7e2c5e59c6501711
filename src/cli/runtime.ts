import { pino } from 'pino';
import { loadConfig } from '../config/index.js';
import type { Container } from '../container.js';
import { createLogger } from '../logger.js';

/**
 * Runs `work` against the same container the server builds (same configuration from the
 * environment, same services, same revocation cache and Redis pub/sub), then closes it.
 * Opening the container runs pending migrations, exactly as a server start does.
 */
export async function withContainer<T>(work: (c: Container) => Promise<T>): Promise<T> {
  const config = loadConfig();
  // Logs go to stderr so stdout stays the command's output (valid JSON with --json). The
  // server's default level, info, is lowered to warn: start-up chatter is noise here.
  const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel, pino.destination(2));
  // Loaded on demand: --help and bad command lines need neither the database nor oidc-provider.
  const { createContainer } = await import('../container.js');
  // The server's issuance policy (stored at its start) applies here too, whatever this environment says.
  const container = await createContainer(config, { logger, policy: { mode: 'follow', env: process.env } });
  try {
    return await work(container);
  } finally {
    await container.close();
  }
}
