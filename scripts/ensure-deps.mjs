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
  const major = Number(process.versions.node.split('.')[0]);
  // On an older Node, npm warns (EBADENGINE) about every package that wants Node 24, which is the very
  // Node this install brings and every npm script then runs on: expected, so said once here instead.
  // Errors still print.
  const older = major < 24;
  console.log(
    older
      ? `flock: installing dependencies (npm ci), with Node 24 for Flock to run on (this machine has ${process.version})…`
      : 'flock: installing dependencies (npm ci)…',
  );
  execSync(`npm ci --no-audit --no-fund${older ? ' --loglevel=error' : ''}`, { stdio: 'inherit' });
}
