/** 500 swarms at once against the test API server, reconciled by the real operator process. */
import { expect, it } from 'vitest';
import { runScale } from './support/scale.ts';

it('reconciles 500 swarms to Ready (exactly two applies and two status writes each); scale changes reach the Deployment', async () => {
  const r = await runScale(500, 16);
  console.log(
    `scale: ${r.swarms} swarms Ready after ${r.allReadyMs} ms (${r.workers} workers, ${r.operatorWrites} writes)`,
  );
  expect(r.swarms).toBe(500);
  // Deployment + Service applied once, status written twice (rolling out, then Ready): nothing more.
  expect(r.operatorWrites).toBe(2000);
  expect(r.writesPerSwarm).toBe(4);
  // Every scale change through /scale reached its Deployment.
  expect(r.scaleToDeployment.samples).toBe(20);
}, 150_000);
