export * from './api.ts';
export * from './live.ts';
export * from './names.ts';
