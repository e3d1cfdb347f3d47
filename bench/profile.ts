// npm run bench:profile -- --path /healthz [--method GET] [--seconds 10] [--seed 100000] [--top 25]
// Runs the API under `--cpu-prof` on a fresh (optionally seeded) database, loads one route with
// autocannon, stops it, and prints the functions with the most self time and the heaviest files.
// The .cpuprofile stays in .artifacts/bench/profiles/ (open it in Chrome DevTools for a flame graph).
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { seedMessages, seedUsers, startFlock } from './lib/common.ts';
import { runLoad } from './lib/load.ts';

const { values } = parseArgs({
  options: {
    path: { type: 'string', default: '/healthz' },
    method: { type: 'string', default: 'GET' },
    body: { type: 'string' },
    seconds: { type: 'string', default: '10' },
    seed: { type: 'string', default: '0' },
    top: { type: 'string', default: '25' },
    rate: { type: 'string' },
  },
});
const dir = resolve('.artifacts/bench/profiles', String(Date.now()));
mkdirSync(dir, { recursive: true });
const flock = await startFlock({ env: { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${dir}` } });
const users = await seedUsers(flock.pool, 100, 'prof');
if (Number(values.seed) > 0) await seedMessages(flock.pool, users, Number(values.seed));
const path = values.path.replace(
  '{message}',
  (await flock.pool.query('select max(id)::text as id from messages')).rows[0]?.id ?? '1',
);
const result = await runLoad(
  {
    url: flock.url,
    method: values.method,
    path,
    headers: { authorization: `Bearer ${users[0]!.token}` },
    ...(values.body !== undefined ? { body: values.body } : {}),
  },
  { seconds: Number(values.seconds), connections: 16, ...(values.rate ? { rate: Number(values.rate) } : {}) },
);
console.log(JSON.stringify(result));
await flock.stop();

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
const file = readdirSync(dir).find((name) => name.endsWith('.cpuprofile'));
if (!file) throw new Error(`no profile in ${dir}`);
const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { nodes: Node[] };
const total = profile.nodes.reduce((sum, node) => sum + (node.hitCount ?? 0), 0);
const byFunction = new Map<string, number>();
const byFile = new Map<string, number>();
for (const node of profile.nodes) {
  const { functionName, url, lineNumber } = node.callFrame;
  const short = url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/main\//, '');
  const key = `${functionName || '(anonymous)'} ${short}:${lineNumber + 1}`;
  byFunction.set(key, (byFunction.get(key) ?? 0) + (node.hitCount ?? 0));
  const pkg = short.startsWith('@')
    ? short.split('/').slice(0, 2).join('/')
    : short.split('/')[0] || functionName;
  byFile.set(pkg, (byFile.get(pkg) ?? 0) + (node.hitCount ?? 0));
}
const show = (title: string, map: Map<string, number>) => {
  console.log(`\n${title}`);
  for (const [key, hits] of [...map].sort((a, b) => b[1] - a[1]).slice(0, Number(values.top)))
    console.log(`${((hits / total) * 100).toFixed(1).padStart(5)}%  ${key}`);
};
show('self time by function', byFunction);
show('self time by package / file', byFile);
console.log(`\nprofile: ${join(dir, file)}`);
