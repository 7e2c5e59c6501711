import http from 'node:http';
import { buildRequestListener } from './app.js';
import { ConfigError, loadConfig } from './config/index.js';
import { createContainer } from './container.js';
import { announceFirstAdministrator } from './first-start.js';

/** Process entry: config, connections, first-admin bootstrap, listen, graceful shutdown. */
async function main(): Promise<void> {
  const config = loadConfig();
  const container = await createContainer(config);
  const { logger } = container;

  announceFirstAdministrator(await container.users.bootstrapAdmin(config.adminPassword), config.adminPassword, logger);

  const server = http.createServer(buildRequestListener(container));
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(config.port, resolve));
  logger.info({ port: config.port, issuer: config.issuer, mode: config.mode }, 'tessera listening');

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down');
    server.close(() => {
      container.close().finally(() => process.exit(0));
    });
    server.closeIdleConnections();
    setTimeout(() => process.exit(1), 10_000).unref();
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) process.stderr.write(`${err.message}\n`);
  else process.stderr.write(`tessera failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
