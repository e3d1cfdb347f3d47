// A service's configuration, logger, metrics server and start-up errors: what the API and the bot agent share.
export * from './config.ts';
export * from './log.ts';
export * from './metrics-server.ts';
export * from './start-error.ts';
