// Builds the commands of one Go wrapper module under tools/ (its go.mod pins the upstream module; its
// go.sum holds the checksums) into the cache, once per content of go.mod and go.sum, and returns the
// folder holding the binaries. `node tools/go-tool.ts compose` does the same by hand.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { flockCacheDir } from './cache.ts';

const TOOLS_DIR = fileURLToPath(new URL('.', import.meta.url));

interface GoTool {
  /** The upstream module go.mod requires; its version goes into the cache key and the binaries. */
  module: string;
  /** Binary name → the package that `go build` makes it from. */
  commands: Record<string, string>;
  /** Linker flags, given the pinned version. */
  ldflags: (version: string) => string;
}

export const GO_TOOLS = {
  compose: {
    module: 'github.com/docker/compose/v2',
    commands: { 'docker-compose': 'github.com/docker/compose/v2/cmd' },
    ldflags: (version) => `-s -w -X github.com/docker/compose/v2/internal.Version=${version}`,
  },
  kubernetes: {
    module: 'k8s.io/kubernetes',
    commands: {
      'kube-apiserver': 'k8s.io/kubernetes/cmd/kube-apiserver',
      'kube-controller-manager': 'k8s.io/kubernetes/cmd/kube-controller-manager',
      'kube-scheduler': 'k8s.io/kubernetes/cmd/kube-scheduler',
      etcd: 'flock.local/tools/kubernetes/etcd',
    },
    // What `kubectl version` and the components report (a source build says v0.0.0 otherwise).
    ldflags: (version) => {
      const [major, minor] = version.replace(/^v/, '').split('.');
      return [
        '-s -w',
        ...['k8s.io/component-base/version', 'k8s.io/client-go/pkg/version'].flatMap((pkg) => [
          `-X ${pkg}.gitVersion=${version}`,
          `-X ${pkg}.gitMajor=${major}`,
          `-X ${pkg}.gitMinor=${minor}`,
          `-X ${pkg}.gitTreeState=clean`,
        ]),
      ].join(' ');
    },
  },
  kwok: {
    module: 'sigs.k8s.io/kwok',
    commands: { kwok: 'sigs.k8s.io/kwok/cmd/kwok' },
    ldflags: () => '-s -w',
  },
  'prometheus-operator': {
    module: 'github.com/prometheus-operator/prometheus-operator',
    commands: { 'prometheus-operator': 'github.com/prometheus-operator/prometheus-operator/cmd/operator' },
    // As upstream's Makefile sets it: the operator reports it and tags its config-reloader image with it.
    ldflags: (version) =>
      `-s -w -X github.com/prometheus/common/version.Version=${version.replace(/^v/, '')}`,
  },
} satisfies Record<string, GoTool>;

export type GoToolName = keyof typeof GO_TOOLS;

/** The version of `module` that tools/<name>/go.mod pins. */
export function pinnedVersion(name: GoToolName): string {
  const tool: GoTool = GO_TOOLS[name];
  const goMod = readFileSync(join(TOOLS_DIR, name, 'go.mod'), 'utf8');
  const escaped = tool.module.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  const match = new RegExp(`^\\s*(?:require\\s+)?${escaped}\\s+(v\\S+)`, 'm').exec(goMod);
  if (!match) throw new Error(`tools/${name}/go.mod does not require ${tool.module}`);
  return match[1]!;
}

function goVersion(): string {
  const result = spawnSync('go', ['env', 'GOVERSION'], { encoding: 'utf8' });
  if (result.error || result.status !== 0) {
    throw new Error(
      'Go is needed to build the test tools (Docker Compose v2, Kubernetes) from the Go module proxy, ' +
        'and `go` was not found: install Go 1.23 or newer (https://go.dev/dl, or `apt-get install golang` ' +
        'where it is new enough) and run again.',
    );
  }
  return result.stdout.trim();
}

/** Builds (or finds in the cache) the commands of tools/<name>; returns the folder that holds them. */
export async function buildGoTool(name: GoToolName, log = (line: string) => console.log(line)) {
  const tool: GoTool = GO_TOOLS[name];
  const moduleDir = join(TOOLS_DIR, name);
  const version = pinnedVersion(name);
  const go = goVersion();
  const key = createHash('sha256')
    .update(readFileSync(join(moduleDir, 'go.mod')))
    .update(readFileSync(join(moduleDir, 'go.sum')))
    .update(JSON.stringify({ commands: tool.commands, ldflags: tool.ldflags(version), go }))
    .digest('hex')
    .slice(0, 16);
  const outDir = flockCacheDir('tools', `${name}-${version}-${key}`);
  const binaries = Object.keys(tool.commands).map((binary) => join(outDir, binary));
  if (binaries.every((binary) => existsSync(binary))) return outDir;

  const partial = `${outDir}.partial`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  for (const [binary, pkg] of Object.entries(tool.commands)) {
    log(`flock: building ${binary} (${tool.module} ${version}) with ${go}; the first build takes minutes…`);
    const started = Date.now();
    await goBuild(moduleDir, pkg, join(partial, binary), tool.ldflags(version), (compiled) =>
      log(
        `flock:   ${binary}: ${Math.round((Date.now() - started) / 1000)} s, ${compiled} packages compiled`,
      ),
    );
    log(`flock: built ${binary} in ${Math.round((Date.now() - started) / 1000)} s`);
  }
  rmSync(outDir, { recursive: true, force: true });
  renameSync(partial, outDir);
  return outDir;
}

function goBuild(
  moduleDir: string,
  pkg: string,
  output: string,
  ldflags: string,
  progress: (compiled: number) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    // -v names each package as it is compiled: counted for the progress line, kept for a failure.
    const child = spawn('go', ['build', '-v', '-trimpath', '-ldflags', ldflags, '-o', output, pkg], {
      cwd: moduleDir,
      env: { ...process.env, GOFLAGS: '-mod=readonly', CGO_ENABLED: '0' },
      stdio: ['ignore', 'inherit', 'pipe'],
    });
    let compiled = 0;
    const tail: string[] = [];
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      for (const line of chunk.split('\n').filter(Boolean)) {
        if (!line.includes(' ') && !line.startsWith('#')) compiled += 1;
        tail.push(line);
        if (tail.length > 40) tail.shift();
      }
    });
    const timer = setInterval(() => progress(compiled), 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(timer);
      if (code === 0) resolve();
      else reject(new Error(`go build ${pkg} failed (exit ${code}):\n${tail.join('\n')}`));
    });
  });
}

if (import.meta.main) {
  const name = process.argv[2] as GoToolName | undefined;
  if (!name || !(name in GO_TOOLS)) {
    console.error(`usage: node tools/go-tool.ts <${Object.keys(GO_TOOLS).join('|')}>`);
    process.exit(2);
  }
  console.log(await buildGoTool(name));
}
