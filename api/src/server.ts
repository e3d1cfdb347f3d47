// The API process: configuration from the environment, then the runtime, until SIGTERM or SIGINT.
import closeWithGrace from 'close-with-grace';
import { ConfigError, loadConfig } from './config.ts';
import { startRuntime } from './runtime.ts';

let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(`flock-api: invalid configuration:\n${error.message}`);
  process.exit(1);
}

const runtime = await startRuntime(config);
runtime.app.log.info(
  {
    database: config.embedded ? `embedded (${config.EMBEDDED_DATA_DIR})` : 'postgresql',
    metricsPort: config.METRICS_PORT,
  },
  'flock api ready',
);

closeWithGrace({ delay: config.SHUTDOWN_DELAY_MS + config.SHUTDOWN_GRACE_MS }, async ({ signal, err }) => {
  if (err) runtime.app.log.error({ err }, 'fatal error, shutting down');
  else runtime.app.log.info({ signal }, 'shutting down');
  await runtime.stop();
});
