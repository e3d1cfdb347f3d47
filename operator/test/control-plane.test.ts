// The test control plane itself (control-plane/control-plane.ts), judged through kubectl as a user of
// any cluster would: a real API server with authorization and admission, the scheduler and the
// Deployment controller placing pods on a kwok node, where they turn Running and Ready.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type ControlPlane, startControlPlane } from './control-plane/control-plane.ts';
import { REPO } from './support/cluster.ts';

let plane: ControlPlane;
const kubectl = (kubeconfig: string, ...args: string[]) =>
  spawnSync('kubectl', ['--kubeconfig', kubeconfig, ...args], { encoding: 'utf8', timeout: 120_000 });
const admin = (...args: string[]) => kubectl(plane.adminKubeconfig, ...args);
const apply = (name: string, yaml: string) => {
  const file = join(plane.dir, `${name}.yaml`);
  writeFileSync(file, yaml);
  return admin('apply', '-f', file);
};

beforeAll(async () => {
  plane = await startControlPlane();
});

afterAll(async () => {
  await plane?.stop();
});

describe('the test control plane', () => {
  it('serves the Kubernetes API on 127.0.0.1 with the version it was built at', () => {
    expect(plane.server).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const version = admin('version', '-o', 'json');
    expect(version.status, version.stderr).toBe(0);
    expect(JSON.parse(version.stdout).serverVersion.gitVersion).toBe('v1.33.13');
  });

  it('has a Ready kwok node, and places a Deployment’s pods on it, where they turn Ready, in a restricted namespace', () => {
    const nodes = JSON.parse(admin('get', 'nodes', '-o', 'json').stdout).items as {
      metadata: { name: string; annotations: Record<string, string> };
      status: { conditions: { type: string; status: string }[] };
    }[];
    expect(nodes.map((n) => [n.metadata.name, n.metadata.annotations['kwok.x-k8s.io/node']])).toEqual([
      ['kwok-node-0', 'fake'],
    ]);
    expect(nodes[0]!.status.conditions.find((c) => c.type === 'Ready')?.status).toBe('True');
    const workload = apply(
      'workload',
      `apiVersion: v1
kind: Namespace
metadata:
  name: smoke
  labels: { pod-security.kubernetes.io/enforce: restricted }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: smoke }
spec:
  replicas: 2
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      securityContext: { runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: RuntimeDefault } }
      containers:
        - name: web
          image: flock/api:dev
          securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: [ALL] } }
`,
    );
    expect(workload.status, workload.stderr).toBe(0);
    const rolled = admin('-n', 'smoke', 'rollout', 'status', 'deploy/web', '--timeout=90s');
    expect(rolled.status, rolled.stderr).toBe(0);
    const pods = JSON.parse(admin('-n', 'smoke', 'get', 'pods', '-o', 'json').stdout).items as {
      spec: { nodeName: string };
      status: { phase: string };
    }[];
    expect(pods.map((p) => [p.spec.nodeName, p.status.phase])).toEqual([
      ['kwok-node-0', 'Running'],
      ['kwok-node-0', 'Running'],
    ]);
  });

  it('refuses, by Pod Security admission, a pod the restricted level forbids', () => {
    const refused = admin('-n', 'smoke', 'run', 'root', '--image=flock/api:dev', '--restart=Never');
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toMatch(/violates PodSecurity "restricted/);
  });

  it('authorizes by RBAC: a ServiceAccount without roles may not list pods', async () => {
    expect(admin('-n', 'smoke', 'create', 'serviceaccount', 'nobody').status).toBe(0);
    const kubeconfig = await plane.kubeconfigForServiceAccount('smoke', 'nobody');
    const denied = kubectl(kubeconfig, 'get', 'pods');
    expect(denied.status).not.toBe(0);
    expect(denied.stderr).toMatch(
      /forbidden: User "system:serviceaccount:smoke:nobody" cannot list resource "pods"/,
    );
  });

  it('accepts the BotSwarm CRD and serves its schema to kubectl explain', async () => {
    const crd = admin('apply', '--server-side', '-f', join(REPO, 'crds/botswarm.yaml'));
    expect(crd.status, crd.stderr).toBe(0);
    expect(
      admin('wait', '--for=condition=Established', 'crd/botswarms.flock.dev', '--timeout=30s').status,
    ).toBe(0);
    // The API server publishes a new CRD's OpenAPI schema a moment after it is Established.
    await vi.waitFor(
      () => {
        const explained = admin('explain', 'botswarm.spec.replicas');
        expect(explained.status, explained.stderr).toBe(0);
        expect(explained.stdout).toContain('FIELD: replicas <integer>');
      },
      { timeout: 30_000, interval: 1000 },
    );
  });
});
