#!/usr/bin/env node
/**
 * Runs the Kubernetes test API server on 127.0.0.1 and writes a kubeconfig for it.
 *   node operator/src/testserver/main.ts [--port 6443] [--kubeconfig /tmp/flock-test.kubeconfig] [--no-prometheus-operator]
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { TestApiServer } from './server.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    kubeconfig: { type: 'string' },
    'ready-delay-ms': { type: 'string', default: '100' },
    'no-prometheus-operator': { type: 'boolean', default: false },
  },
});
const server = new TestApiServer({
  port: Number(values.port),
  readyDelayMs: Number(values['ready-delay-ms']),
  prometheusOperator: !values['no-prometheus-operator'],
});
const url = await server.start();
if (values.kubeconfig) writeFileSync(values.kubeconfig, server.kubeconfig());
console.log(JSON.stringify({ msg: 'test API server listening', url, kubeconfig: values.kubeconfig ?? null }));
const stop = () => {
  server.stop().then(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
