// The repository's root folder, for tests that read its files or run its tools.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));

/** A file's text, by its path from the root. */
export const readRepoFile = (path: string) => readFileSync(`${REPO}${path}`, 'utf8');
