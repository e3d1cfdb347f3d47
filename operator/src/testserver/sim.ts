/**
 * A simulated Deployment controller and kubelet: Deployments get pods with the template's labels, and
 * their status follows (observedGeneration, replicas, updated, ready, available) after a short delay.
 * Pod failures (ImagePullBackOff, CrashLoopBackOff, OOMKilled…) can be injected by label selector.
 */
import { createHash, randomUUID } from 'node:crypto';
import { matchLabels, parseLabelSelector } from './selectors.ts';
import type { Obj, TestApiServer } from './server.ts';

export interface PodFailureRule {
  namespace?: string;
  /** Label selector of the pods that fail, e.g. `flock.dev/swarm=demo`. */
  selector?: string;
  /** Pods running this image fail (as an image that cannot be pulled would on a real cluster). */
  image?: string;
  reason:
    | 'ImagePullBackOff'
    | 'ErrImagePull'
    | 'CrashLoopBackOff'
    | 'OOMKilled'
    | 'CreateContainerConfigError'
    | string;
  message?: string;
}

function templateHash(template: unknown): string {
  return createHash('sha256').update(JSON.stringify(template)).digest('hex').slice(0, 10);
}

export class DeploymentSimulator {
  delayMs: number;
  readonly #server: TestApiServer;
  readonly #timers = new Map<string, NodeJS.Timeout>();
  #failures: PodFailureRule[] = [];
  #paused = false;
  #off: () => void;

  constructor(server: TestApiServer) {
    this.#server = server;
    this.delayMs = server.options.readyDelayMs;
    this.#off = server.onChange((e) => {
      if (e.resource === 'apps/deployments' && e.type !== 'DELETED') {
        // Only spec changes (generation) need work; our own status writes do not.
        if (e.type === 'ADDED' || e.old?.metadata.generation !== e.obj.metadata.generation) {
          this.schedule(e.obj.metadata.namespace, e.obj.metadata.name);
        }
      }
    });
  }

  stop() {
    this.#off();
    for (const t of this.#timers.values()) clearTimeout(t);
    this.#timers.clear();
  }

  setPaused(paused: boolean) {
    this.#paused = paused;
    if (!paused) this.resyncAll();
  }

  addFailure(rule: PodFailureRule) {
    this.#failures.push(rule);
    this.resyncAll();
  }

  clearFailures() {
    this.#failures = [];
    this.resyncAll();
  }

  resyncAll() {
    for (const d of this.#server.listObjects('apps/v1', 'Deployment'))
      this.schedule(d.metadata.namespace, d.metadata.name);
  }

  schedule(namespace: string, name: string) {
    const key = `${namespace}/${name}`;
    if (this.#timers.has(key)) return;
    this.#timers.set(
      key,
      setTimeout(() => {
        this.#timers.delete(key);
        if (!this.#paused) this.sync(namespace, name);
      }, this.delayMs),
    );
  }

  #failureFor(pod: Obj): PodFailureRule | undefined {
    return this.#failures.find(
      (f) =>
        (!f.namespace || f.namespace === pod.metadata.namespace) &&
        (!f.selector || matchLabels(parseLabelSelector(f.selector), pod.metadata.labels)) &&
        (!f.image || (pod.spec?.containers ?? []).some((c: Obj) => c.image === f.image)),
    );
  }

  #podStatus(pod: Obj): Obj {
    const containers = (pod.spec?.containers ?? []) as Obj[];
    const failure = this.#failureFor(pod);
    const started = pod.metadata.creationTimestamp;
    if (!failure) {
      return {
        phase: 'Running',
        conditions: [
          { type: 'Ready', status: 'True', lastTransitionTime: started },
          { type: 'ContainersReady', status: 'True', lastTransitionTime: started },
        ],
        containerStatuses: containers.map((c) => ({
          name: c.name,
          image: c.image,
          ready: true,
          started: true,
          restartCount: 0,
          state: { running: { startedAt: started } },
        })),
      };
    }
    const oom = failure.reason === 'OOMKilled';
    return {
      phase: failure.reason.includes('Image') || failure.reason.startsWith('Create') ? 'Pending' : 'Running',
      conditions: [
        { type: 'Ready', status: 'False', reason: 'ContainersNotReady', lastTransitionTime: started },
      ],
      containerStatuses: containers.map((c) => ({
        name: c.name,
        image: c.image,
        ready: false,
        started: false,
        restartCount: oom || failure.reason === 'CrashLoopBackOff' ? 3 : 0,
        state: {
          waiting: {
            reason: oom ? 'CrashLoopBackOff' : failure.reason,
            message:
              failure.message ??
              (oom ? 'back-off restarting failed container' : `simulated ${failure.reason}`),
          },
        },
        ...(oom
          ? {
              lastState: {
                terminated: {
                  reason: 'OOMKilled',
                  exitCode: 137,
                  message: failure.message ?? 'container exceeded its memory limit',
                },
              },
            }
          : {}),
      })),
    };
  }

  /** One pass of the Deployment controller + kubelet for one Deployment. */
  sync(namespace: string, name: string) {
    const d = this.#server.getObject('apps/v1', 'Deployment', namespace, name);
    if (!d) return;
    const hash = templateHash(d.spec.template);
    const pods = this.#server
      .peekObjects('v1', 'Pod', namespace)
      .filter((p) => (p.metadata.ownerReferences ?? []).some((r: Obj) => r.uid === d.metadata.uid))
      .map((p) => structuredClone(p));
    const current: Obj[] = [];
    for (const p of pods) {
      if (p.metadata.labels?.['pod-template-hash'] !== hash)
        this.#server.deleteObject('v1', 'Pod', namespace, p.metadata.name);
      else current.push(p);
    }
    const want = d.spec.replicas ?? 1;
    while (current.length > want) {
      const p = current.pop()!;
      this.#server.deleteObject('v1', 'Pod', namespace, p.metadata.name);
    }
    while (current.length < want) {
      const pod = this.#server.createObject({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name: `${name}-${hash.slice(0, 9)}-${randomUUID().slice(0, 5)}`,
          namespace,
          labels: { ...(d.spec.template.metadata?.labels ?? {}), 'pod-template-hash': hash },
          annotations: d.spec.template.metadata?.annotations ?? {},
          ownerReferences: [
            {
              apiVersion: 'apps/v1',
              kind: 'Deployment',
              name,
              uid: d.metadata.uid,
              controller: true,
              blockOwnerDeletion: true,
            },
          ],
        },
        spec: { ...d.spec.template.spec, nodeName: 'flock-test-node' },
      });
      current.push(pod);
    }
    let ready = 0;
    for (const p of current) {
      const status = this.#podStatus(p);
      if (status.containerStatuses.every((c: Obj) => c.ready)) ready++;
      this.#server.writeStatus('v1', 'Pod', namespace, p.metadata.name, status);
    }
    const now = d.metadata.creationTimestamp;
    this.#server.writeStatus('apps/v1', 'Deployment', namespace, name, {
      observedGeneration: d.metadata.generation,
      replicas: current.length,
      updatedReplicas: current.length,
      readyReplicas: ready,
      availableReplicas: ready,
      ...(current.length - ready > 0 ? { unavailableReplicas: current.length - ready } : {}),
      conditions: [
        {
          type: 'Available',
          status: ready >= want ? 'True' : 'False',
          reason: ready >= want ? 'MinimumReplicasAvailable' : 'MinimumReplicasUnavailable',
          message:
            ready >= want
              ? 'Deployment has minimum availability.'
              : 'Deployment does not have minimum availability.',
          lastUpdateTime: now,
          lastTransitionTime: now,
        },
        {
          type: 'Progressing',
          status: 'True',
          reason: 'NewReplicaSetAvailable',
          message: `ReplicaSet "${name}-${hash.slice(0, 9)}" has successfully progressed.`,
          lastUpdateTime: now,
          lastTransitionTime: now,
        },
      ],
    });
  }
}
