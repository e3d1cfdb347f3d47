// The four Flock images, built from their real Dockerfiles with the repository root as context, as the
// README tells a user to build them, with the stand-in bases in place of the upstream ones when asked.
// Each build's time, the image's size and its user are recorded: the docs' figures come from here.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { docker, stream } from './docker.ts';

export const REPO = fileURLToPath(new URL('../', import.meta.url));

export const FLOCK_IMAGES = {
  api: { dockerfile: 'api/Dockerfile', tag: 'flock/api:dev' },
  web: { dockerfile: 'web/Dockerfile', tag: 'flock/web:dev' },
  'bot-agent': { dockerfile: 'bot-agent/Dockerfile', tag: 'flock/bot-agent:dev' },
  operator: { dockerfile: 'operator/Dockerfile', tag: 'flock/operator:dev' },
} as const;

export type FlockImage = keyof typeof FLOCK_IMAGES;

export interface ImageFacts {
  tag: string;
  buildSeconds: number;
  sizeBytes: number;
  user: string;
}

/** The build arguments each Dockerfile declares (the classic builder warns about any other). */
async function declaredArgs(dockerfile: string): Promise<Set<string>> {
  const text = await readFile(`${REPO}${dockerfile}`, 'utf8');
  return new Set([...text.matchAll(/^ARG\s+(\w+)/gm)].map((m) => m[1]!));
}

export async function buildImage(
  name: FlockImage,
  buildArgs: Record<string, string>,
  log: (line: string) => void = (line) => console.log(line),
): Promise<ImageFacts> {
  const { dockerfile, tag } = FLOCK_IMAGES[name];
  const declared = await declaredArgs(dockerfile);
  const args = ['build', '--pull=false', '-f', dockerfile, '-t', tag];
  for (const [key, value] of Object.entries(buildArgs))
    if (declared.has(key)) args.push('--build-arg', `${key}=${value}`);
  const started = Date.now();
  let cached = 0;
  let steps = 0;
  await stream('docker', [...args, '.'], {
    cwd: REPO,
    onLine: (line) => {
      if (/^Step \d+\/\d+ :/.test(line)) {
        steps += 1;
        if (/: (RUN|FROM) /.test(line)) log(`flock:   ${tag}: ${line.slice(0, 120)}`);
      } else if (line.includes('Using cache')) cached += 1;
    },
  });
  const buildSeconds = Math.round((Date.now() - started) / 100) / 10;
  const [size, user] = (
    await docker(['image', 'inspect', '--format', '{{.Size}} {{.Config.User}}', tag])
  ).split(' ');
  log(
    `flock: ${tag} built in ${buildSeconds} s (${cached} of ${steps} steps cached), ${Math.round(Number(size) / 1e6)} MB`,
  );
  return { tag, buildSeconds, sizeBytes: Number(size), user: user ?? '' };
}
