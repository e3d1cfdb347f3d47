// Everything the container tests need, made or found once: a Docker engine, the stand-in bases, Docker
// Compose v2 and the four Flock images (built on the stand-ins). Long steps print progress; a second run
// finds everything in the caches. `node containers/prepare.ts` runs it by hand and prints how to use
// the result; the tests' global setup runs it too.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildGoTool } from '@flock/tools/go-tool';
import { buildBases, STAND_IN_VARIABLES } from './bases.ts';
import { dockerEnv } from './docker.ts';
import { type Engine, ensureEngine } from './engine.ts';
import { buildImage, FLOCK_IMAGES, type FlockImage, type ImageFacts, REPO } from './images.ts';

export interface Prepared {
  engine: Engine;
  /** The Docker Compose v2 binary. */
  compose: string;
  images: Record<FlockImage, ImageFacts>;
}

export const REPORT = join(REPO, '.artifacts/containers/images.json');

export async function prepare(log = (line: string) => console.log(line)): Promise<Prepared> {
  const started = Date.now();
  const engine = await ensureEngine(log);
  if (engine.dockerHost) dockerEnv.DOCKER_HOST = engine.dockerHost;
  try {
    await buildBases(log);
    const compose = join(await buildGoTool('compose', log), 'docker-compose');
    const images = {} as Record<FlockImage, ImageFacts>;
    for (const name of Object.keys(FLOCK_IMAGES) as FlockImage[]) {
      images[name] = await buildImage(name, STAND_IN_VARIABLES, log);
    }
    mkdirSync(join(REPORT, '..'), { recursive: true });
    writeFileSync(REPORT, `${JSON.stringify({ at: new Date().toISOString(), images }, null, 2)}\n`);
    log(`flock: containers ready in ${Math.round((Date.now() - started) / 1000)} s`);
    return { engine, compose, images };
  } catch (error) {
    await engine.stop();
    throw error;
  }
}

if (import.meta.main) {
  const { engine, compose, images } = await prepare();
  for (const facts of Object.values(images)) {
    console.log(
      `${facts.tag}  ${Math.round(facts.sizeBytes / 1e6)} MB  user ${facts.user}  built in ${facts.buildSeconds} s`,
    );
  }
  console.log('\nTo use them (the engine keeps running until `node containers/engine.ts stop`):');
  if (engine.dockerHost) console.log(`  export DOCKER_HOST=${engine.dockerHost}`);
  console.log(`  ${compose} --env-file containers/local-bases.env up --build`);
}
