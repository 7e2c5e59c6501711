import { buildRequestListener } from './app.js';
import { ConfigError, loadConfig } from './config/index.js';
import { createContainer } from './container.js';
import { createHttpServer } from './http/http-server.js';
import { ServerDrain } from './http/server-drain.js';
import { announceFirstAdministrator } from './first-start.js';

/** Process entry: config, connections, first-admin bootstrap, listen, graceful shutdown. */
async function main(): Promise<void> {
  const config = loadConfig();
  const container = await createContainer(config);
  const { logger } = container;

  announceFirstAdministrator(await container.users.bootstrapAdmin(config.adminPassword), config.adminPassword, logger);

  const server = createHttpServer(config.clientLimits);
  const drain = new ServerDrain(server);
  server.on('request', drain.track(buildRequestListener(container)));
  await new Promise<void>((resolve) => server.listen(config.port, config.listenHost, resolve));
  logger.info({ host: config.listenHost, port: config.port, issuer: config.issuer, mode: config.mode }, 'tessera listening');

  const cleanup = config.cleanupIntervalSeconds ? container.cleanup.schedule(config.cleanupIntervalSeconds * 1000, logger) : null;
  const notify = config.notifyIntervalSeconds ? container.notifications.schedule(config.notifyIntervalSeconds * 1000) : null;

  // Stop accepting, end keep-alive, let in-flight requests finish, then close the pools; a
  // request still running after SHUTDOWN_TIMEOUT_SECONDS is dropped by a forced exit (status 1).
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal, inFlight: drain.pending }, 'shutting down: finishing in-flight requests');
    setTimeout(() => {
      logger.error({ inFlight: drain.pending, timeoutSeconds: config.shutdownTimeoutSeconds }, 'shutdown timed out; exiting with requests unfinished');
      process.exit(1);
    }, config.shutdownTimeoutSeconds * 1000).unref();
    try {
      await drain.close();
      await cleanup?.stop();
      await notify?.stop();
      await container.close();
      logger.info('shut down');
      process.exit(0);
    } catch (err) {
      logger.error({ err }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.on('SIGTERM', (signal) => void shutdown(signal));
  process.on('SIGINT', (signal) => void shutdown(signal));
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) process.stderr.write(`${err.message}\n`);
  else process.stderr.write(`tessera failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
