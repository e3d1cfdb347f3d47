// Where long builds keep what they made, so that a second run reuses it: the user's cache directory
// ($XDG_CACHE_HOME, else ~/.cache), under flock/.
import { homedir } from 'node:os';
import { join } from 'node:path';

export function flockCacheDir(...parts: string[]): string {
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'flock', ...parts);
}
