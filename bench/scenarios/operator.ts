// Operator at scale, on a real control plane of its own (etcd, kube-apiserver, controller-manager,
// scheduler, kwok nodes): N BotSwarms (500) created at once, the time until the real operator process
// (as its ServiceAccount) has them all Ready, pods included; then scale changes through the /scale
// subresource (what `kubectl scale` and an HPA do), each timed until the owned Deployment carries the
// new replicas; then a quiet minute with a 5 s resync, counting the operator's writes and Events.
import { runScale } from '@flock/operator/test/scale';
import { round, type Scenario } from '../lib/stats.ts';

export const operator: Scenario = {
  name: 'operator',
  title: 'operator: 500 swarms to Ready, scale change to the Deployment, idle writes',
  async run({ quick, log }) {
    const n = quick ? 10 : 500;
    const idleSeconds = quick ? 10 : 60;
    const r = await runScale(n, {
      scaleChanges: quick ? 2 : 10,
      idleSeconds,
      resyncSeconds: 5,
      ownControlPlane: true,
      log: (line) => log(`operator: ${line}`),
    });
    const idlePerSwarmMinute = (count: number) => round((count / n) * (60 / idleSeconds));
    return {
      rows: [
        {
          scenario: 'operator',
          figure: `${n} swarms created → all Ready (pods Ready under kwok)`,
          flock: round(r.allReadyMs / 1000),
          unit: 's',
          target: '≤ 60 s',
          met: r.allReadyMs <= 60_000,
        },
        {
          scenario: 'operator',
          figure: 'scale change → Deployment (median / max)',
          flock: `${r.scaleToDeployment.p50} / ${r.scaleToDeployment.max}`,
          unit: 'ms',
          target: '≤ 1000 ms',
          met: r.scaleToDeployment.max <= 1_000,
        },
        {
          scenario: 'operator',
          figure: 'writes + Events per idle swarm per minute (5 s resync)',
          flock: `${idlePerSwarmMinute(r.idle.writes)} + ${idlePerSwarmMinute(r.idle.events)}`,
          unit: '',
          target: '0 + 0',
          met: r.idle.writes === 0 && r.idle.events === 0,
        },
      ],
      details: { ...r },
    };
  },
};
