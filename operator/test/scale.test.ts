/** Swarms at once against the real control plane, reconciled by the real operator process. */
import { expect, it } from 'vitest';
import { runScale } from './support/scale.ts';

const SWARMS = 100;

it(`reconciles ${SWARMS} swarms to Ready (one apply per child), scale changes reach the Deployment, idle swarms cause no writes`, async () => {
  // Every swarm is re-reconciled every 5 s, so the quiet 12 s see each one twice: that must write nothing.
  const r = await runScale(SWARMS, { scaleChanges: 5, idleSeconds: 12, resyncSeconds: 5 });
  console.log(JSON.stringify({ scale: r }));
  expect(r.swarms).toBe(SWARMS);
  // The Deployment and the Service applied once each; nothing failed.
  expect(r.writes.applies).toBe(2 * SWARMS);
  expect(r.writes.failed).toBe(0);
  // Status follows the real Deployment (rolling out, then Ready): a few writes per swarm, never a storm.
  expect(r.writes.statusWrites).toBeGreaterThanOrEqual(SWARMS);
  expect(r.writes.statusWrites).toBeLessThanOrEqual(4 * SWARMS);
  expect(r.scaleToDeployment.samples).toBe(5);
  // Idle: the real server's stored forms (dropped empty fields, canonical quantities) are no drift.
  expect(r.idle).toEqual({ seconds: 12, writes: 0, events: 0 });
}, 300_000);
