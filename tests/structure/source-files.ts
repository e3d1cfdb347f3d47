// The TypeScript files under a folder of the repository (installed and built files aside), with their
// lines, for checks that read the source.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../..', import.meta.url));

export interface SourceLine {
  /** `path:line`, the path from the repository root. */
  where: string;
  text: string;
}

export function sourceLines(folder: string): SourceLine[] {
  const files = readdirSync(join(REPO, folder), { recursive: true, encoding: 'utf8' }).filter(
    (file) =>
      file.endsWith('.ts') && !file.split('/').some((part) => part === 'node_modules' || part === 'dist'),
  );
  return files.flatMap((file) => {
    const path = relative(REPO, join(REPO, folder, file));
    return readFileSync(join(REPO, path), 'utf8')
      .split('\n')
      .map((text, index) => ({ where: `${path}:${index + 1}`, text }));
  });
}
