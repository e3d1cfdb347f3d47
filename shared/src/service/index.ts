// A service's configuration, logger and metrics server: what the API and the bot agent share.
export * from './config.ts';
export * from './log.ts';
export * from './metrics-server.ts';
