// Each workspace is a package: code reaches another workspace by its package name (`@flock/testkit/ports`,
// `@flock/api/config`), never by a relative path out of its own folder; every folder with a test suite of
// its own is a workspace; and the test helpers every suite needs (free ports, pauses, polling) are
// defined once, in testkit/.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, sourceLines } from './source-files.ts';

const workspaces = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { workspaces: string[] })
  .workspaces;

/** `from './x.ts'`, `import './x.ts'`, `import('./x.ts')`: the relative specifier. */
const RELATIVE_IMPORT = /(?:\bfrom|\bimport)\s*\(?\s*(['"])(\.\.?\/[^'"]*)\1/g;

/** A definition (not an import) of one of the kit's helpers. */
const KIT_HELPER = /\b(?:function\s*\*?\s*|(?:const|let|var)\s+)(freePort|sleep|waitFor|eventually)\b/;

const outside = (folder: string, path: string) => relative(join(REPO, folder), path).startsWith('..');

describe('workspaces', () => {
  it('import each other by package name: no relative import leaves its workspace', () => {
    const crossing = workspaces.flatMap((workspace) =>
      sourceLines(workspace).flatMap((line) =>
        [...line.text.matchAll(RELATIVE_IMPORT)]
          .map((match) => match[2]!)
          .filter((specifier) => {
            const file = join(REPO, line.where.replace(/:\d+$/, ''));
            return outside(workspace, resolve(dirname(file), specifier));
          })
          .map((specifier) => `${line.where}: ${specifier}`),
      ),
    );
    expect(crossing).toEqual([]);
  });

  it('include every folder that has a vitest project or a tsconfig of its own', () => {
    const folders = readdirSync(REPO, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.') && entry.name !== 'node_modules')
      .map((entry) => entry.name)
      .filter((name) =>
        ['vitest.config.ts', 'tsconfig.json'].some((file) => existsSync(join(REPO, name, file))),
      );
    expect(folders.filter((folder) => !workspaces.includes(folder))).toEqual([]);
  });
});

describe('test helpers', () => {
  it('define freePort, sleep, waitFor and eventually only in testkit/', () => {
    const copies = workspaces
      .filter((workspace) => workspace !== 'testkit')
      .flatMap((workspace) => sourceLines(workspace))
      // Production code (src/) is not a test helper; its own waiting is its business.
      .filter((line) => !line.where.split('/').includes('src') && KIT_HELPER.test(line.text))
      .map((line) => `${line.where}: ${line.text.trim()}`);
    expect(copies).toEqual([]);
  });
});
