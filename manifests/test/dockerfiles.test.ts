// The Dockerfiles, without a container engine: pinned bases, non-root users, production-only installs,
// health checks, and an entry command that exists in the build output. For the Node services the
// dependency stage is run for real outside a container (its COPY and RUN steps, in a temporary /app),
// then the final stage's COPYs, and the CMD is started there: it must get past loading every module.
import { cpSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO, run } from './support.ts';

interface Instruction {
  op: string;
  args: string;
}
interface Stage {
  from: string;
  name?: string;
  steps: Instruction[];
}

function parseDockerfile(text: string): { args: Record<string, string>; stages: Stage[] } {
  const lines = text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const args: Record<string, string> = {};
  const stages: Stage[] = [];
  for (const line of lines) {
    const [, op, rest] = /^(\w+)\s+(.*)$/.exec(line)!;
    const instruction = { op: op!.toUpperCase(), args: rest!.replace(/\s+/g, ' ').trim() };
    if (instruction.op === 'FROM') {
      const [image, as, name] = instruction.args.split(' ');
      stages.push({
        from: image!.replace(/\$\{(\w+)\}/g, (_, v) => args[v] ?? ''),
        name: as ? name : undefined,
        steps: [],
      });
    } else if (stages.length === 0 && instruction.op === 'ARG') {
      const [k, v] = instruction.args.split('=');
      args[k!] = v ?? '';
    } else stages.at(-1)?.steps.push(instruction);
  }
  return { args, stages };
}

const PINNED = /^[\w./-]+:(\d+\.\d+\.\d+[\w.-]*)(@sha256:[0-9a-f]{64})?$/;
const tmpDirs: string[] = [];
afterAll(async () => {
  await Promise.all(tmpDirs.map((d) => rm(d, { recursive: true, force: true })));
});

const NODE_SERVICES = [
  // [workspace, smoke env, what its output must show (it loaded every module and ran its own code)]
  [
    'api',
    { NODE_ENV: 'production', DATABASE_URL: 'not-a-url', JWT_SECRET: '' },
    /flock-api: invalid configuration:\s+DATABASE_URL/,
  ],
  ['bot-agent', { BOTS_PER_POD: '0' }, /BOTS_PER_POD: must be an integer/],
  [
    'operator',
    { KUBECONFIG: '/nonexistent/kubeconfig', KUBERNETES_SERVICE_HOST: '' },
    /cannot load a kubeconfig/,
  ],
] as const;

describe.each(NODE_SERVICES)('%s/Dockerfile', (workspace, smokeEnv, expected) => {
  const { stages } = parseDockerfile(readFileSync(`${REPO}${workspace}/Dockerfile`, 'utf8'));
  const final = stages.at(-1)!;

  it('pins its base, installs production dependencies only, runs as non-root with a health check', () => {
    for (const s of stages) expect(s.from).toMatch(PINNED);
    expect(stages[0]!.from).toMatch(/^node:24\./);
    const install = stages[0]!.steps
      .filter((s) => s.op === 'RUN')
      .map((s) => s.args)
      .join(' ');
    expect(install).toMatch(/npm ci --omit=dev --workspace \S+ --include-workspace-root=false/);
    expect(install).toContain(`--workspace ${workspace}`);
    expect(final.steps.filter((s) => s.op === 'RUN')).toEqual([]);
    const user = final.steps.findLast((s) => s.op === 'USER')!.args;
    expect(user).toMatch(/^[1-9]\d*:[1-9]\d*$/);
    expect(final.steps.some((s) => s.op === 'HEALTHCHECK' && s.args.includes('/healthz'))).toBe(true);
    const cmd = JSON.parse(final.steps.findLast((s) => s.op === 'CMD')!.args) as string[];
    expect(cmd[0]).toBe('node');
    expect(existsSync(`${REPO}${cmd[1]}`)).toBe(true);
  });

  it('builds outside a container into a tree whose entry command starts', async () => {
    const app = await mkdtemp(join(tmpdir(), `flock-deploy-image-${workspace}-`));
    tmpDirs.push(app);
    const copy = (args: string) => {
      const parts = args.split(' ');
      const dest = parts.pop()!;
      for (const src of parts) {
        const target = dest.endsWith('/')
          ? join(app, dest, src.endsWith('/') ? '' : src.split('/').pop()!)
          : join(app, dest);
        mkdirSync(dirname(target), { recursive: true });
        cpSync(join(REPO, src), target, { recursive: true });
      }
    };
    // The dependency stage: COPY from the build context, then RUN (npm's cache is the machine's: the
    // image's `npm cache clean` is left out so the shared cache is not wiped).
    for (const step of stages[0]!.steps) {
      if (step.op === 'COPY') copy(step.args);
      if (step.op === 'RUN') {
        const command = step.args
          .split('&&')
          .map((c) => c.trim())
          .filter((c) => !c.startsWith('npm cache clean'))
          .join(' && ');
        const result = await run('bash', ['-c', command], {
          cwd: app,
          env: { npm_config_prefer_offline: 'true', npm_config_update_notifier: 'false' },
          timeoutMs: 240_000,
        });
        expect(result.code, result.stderr).toBe(0);
      }
    }
    // The final stage: the dependency tree is already in place; copy the sources.
    for (const step of final.steps)
      if (step.op === 'COPY' && !step.args.startsWith('--from')) copy(step.args);
    expect(final.steps.find((s) => s.op === 'COPY' && s.args.startsWith('--from'))?.args).toBe(
      `--from=${stages[0]!.name} /app/ ./`,
    );

    // Production only: no test runner, type checker, linter, bundler or the pinned-node package.
    for (const dev of [
      'vitest',
      'typescript',
      '@biomejs/biome',
      'vite',
      'node',
      'playwright-core',
      'kubernetes-models',
    ])
      expect(existsSync(join(app, 'node_modules', dev)), dev).toBe(false);
    expect(existsSync(join(app, 'node_modules/@flock/shared/src/index.ts'))).toBe(true);

    const cmd = JSON.parse(final.steps.findLast((s) => s.op === 'CMD')!.args) as string[];
    expect(existsSync(join(app, cmd[1]!))).toBe(true);
    const env: Record<string, string> = {};
    for (const step of final.steps.filter((s) => s.op === 'ENV'))
      for (const [, k, v] of step.args.matchAll(/(\w+)=(\S+)/g)) env[k!] = v!;
    // Run the entry with a configuration it must reject: that proves every import resolved (a missing
    // module fails before any code runs) without needing a database or a cluster.
    const result = await run(process.execPath, cmd.slice(1), {
      cwd: app,
      env: { ...env, ...smokeEnv },
      timeoutMs: 30_000,
    });
    expect(result.stdout + result.stderr).not.toContain('ERR_MODULE_NOT_FOUND');
    expect(result.stdout + result.stderr).toMatch(expected);
  });
});

describe('web/Dockerfile', () => {
  const { stages } = parseDockerfile(readFileSync(`${REPO}web/Dockerfile`, 'utf8'));

  it('builds with Node, then serves with an unprivileged nginx: pinned, non-root, health-checked', () => {
    expect(stages.map((s) => s.from)).toEqual([
      expect.stringMatching(/^node:24\.\d+\.\d+/),
      expect.stringMatching(/^nginxinc\/nginx-unprivileged:\d+\.\d+\.\d+/),
    ]);
    for (const s of stages) expect(s.from).toMatch(PINNED);
    const build = stages[0]!.steps.filter((s) => s.op === 'RUN').map((s) => s.args);
    expect(build).toEqual([
      'npm ci --workspace web --include-workspace-root=false --no-audit --no-fund',
      'npm run build --workspace web',
    ]);
    const final = stages[1]!;
    expect(final.steps.filter((s) => s.op === 'COPY').map((s) => s.args)).toEqual([
      'web/nginx.conf /etc/nginx/nginx.conf',
      `--from=${stages[0]!.name} /app/web/dist/ /usr/share/nginx/html/`,
    ]);
    expect(final.steps.findLast((s) => s.op === 'USER')!.args).toBe('101:101');
    expect(final.steps.find((s) => s.op === 'EXPOSE')!.args).toBe('8080');
    expect(readFileSync(`${REPO}web/nginx.conf`, 'utf8')).toContain('listen 8080 default_server;');
    expect(final.steps.find((s) => s.op === 'HEALTHCHECK')!.args).toContain('/nginx-health');
    // The web build's output is what the final stage copies (vite's outDir).
    expect(readFileSync(`${REPO}web/vite.config.ts`, 'utf8')).toContain("outDir: 'dist'");
  });

  it('keeps local installs, builds and secrets out of the build context', () => {
    const ignore = readFileSync(`${REPO}.dockerignore`, 'utf8').split('\n');
    for (const entry of ['**/node_modules', '**/dist', '**/.data', '.git', '.env'])
      expect(ignore).toContain(entry);
  });
});
