/**
 * Process entry point: validate the configuration (exit 1 naming the bad variable), start the
 * server, and shut down gracefully on SIGTERM / SIGINT.
 */
import { ConfigError, loadConfig, type Config } from '../config/index.js';
import { createLogger } from '../logger.js';
import { startServer } from '../server.js';

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    createLogger({ level: 'info' }).fatal({ problems: err.problems }, err.message);
    process.exitCode = 1;
    return;
  }
  const logger = createLogger({ level: config.logLevel });
  let running;
  try {
    running = await startServer(config, logger);
  } catch (err) {
    logger.fatal({ err }, `start-up failed: ${(err as Error).message}`);
    process.exitCode = 1;
    return;
  }
  const onSignal = (signal: NodeJS.Signals) => {
    logger.info({ signal }, 'signal received');
    running.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
}

await main();
