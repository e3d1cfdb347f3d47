// Runs before `npm start` and `npm test` on whatever Node the machine has (it may be older than 24):
// it installs the locked dependencies, which bring Node 24 itself, when they are missing or stale.
import { execSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';

const installedMarker = 'node_modules/.package-lock.json';
const lockfile = 'package-lock.json';

const stale =
  !existsSync(installedMarker) ||
  !existsSync('node_modules/.bin/node') ||
  statSync(lockfile).mtimeMs > statSync(installedMarker).mtimeMs;

if (stale) {
  console.log('flock: installing dependencies (npm ci)…');
  execSync('npm ci --no-audit --no-fund', { stdio: 'inherit' });
}
