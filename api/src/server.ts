// The API process: configuration from the environment, then the runtime, until SIGTERM or SIGINT.

import path from 'node:path';
import { ConfigError, StartError } from '@flock/shared/service';
import closeWithGrace from 'close-with-grace';
import { loadConfig } from './config.ts';
import { type Runtime, startRuntime } from './runtime.ts';

/** What the API tells `npm start` (scripts/start.ts), its parent, once it serves requests. */
export interface ReadyMessage {
  type: 'flock-api-ready';
  host: string;
  port: number;
  /** The embedded database's folder, absolute; undefined on PostgreSQL. */
  embeddedDataDir: string | undefined;
}

let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(`flock-api: invalid configuration:\n${error.message}`);
  process.exit(1);
}

let runtime: Runtime;
try {
  runtime = await startRuntime(config);
} catch (error) {
  // A port or data folder another process holds: one line saying which setting to change.
  if (!(error instanceof StartError)) throw error;
  console.error(`flock-api: ${error.message}`);
  process.exit(1);
}
const address = runtime.app.server.address();
const port = address && typeof address === 'object' ? address.port : config.PORT;
const embeddedDataDir = config.embedded ? path.resolve(config.EMBEDDED_DATA_DIR) : undefined;
runtime.app.log.info(
  {
    database: embeddedDataDir ? `embedded (${embeddedDataDir})` : 'postgresql',
    metricsPort: config.METRICS_PORT,
  },
  'flock api ready',
);
process.send?.({ type: 'flock-api-ready', host: config.HOST, port, embeddedDataDir } satisfies ReadyMessage);

closeWithGrace({ delay: config.SHUTDOWN_DELAY_MS + config.SHUTDOWN_GRACE_MS }, async ({ signal, err }) => {
  if (err) runtime.app.log.error({ err }, 'fatal error, shutting down');
  else runtime.app.log.info({ signal }, 'shutting down');
  await runtime.stop();
});
