#!/usr/bin/env node
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderBotSwarmCrdYaml } from './crd.ts';

const target = fileURLToPath(new URL('../../../crds/botswarm.yaml', import.meta.url));
writeFileSync(target, renderBotSwarmCrdYaml());
console.log(`wrote ${target}`);
