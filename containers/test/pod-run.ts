// A Kubernetes pod's container, run by Docker the way the kubelet would run it: the same user and group,
// a read-only root file system, the capabilities dropped, no privilege escalation, tmpfs for each
// emptyDir, a named volume for each claim, and the environment resolved from the rendered ConfigMaps,
// Secrets and field references. The container images are replaced by the locally built ones.
import type { KObject } from '@flock/testkit/kustomize';

type Env = {
  name: string;
  value?: string;
  valueFrom?: Record<string, { name?: string; key?: string; fieldPath?: string }>;
};
export type Container = {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  env?: Env[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  ports?: { containerPort: number }[];
  volumeMounts?: { name: string; mountPath: string }[];
  securityContext?: SecurityContext;
  readinessProbe?: { exec?: { command: string[] } };
};
type SecurityContext = {
  runAsUser?: number;
  runAsGroup?: number;
  readOnlyRootFilesystem?: boolean;
  allowPrivilegeEscalation?: boolean;
  capabilities?: { drop?: string[]; add?: string[] };
};
export type PodSpec = {
  containers: Container[];
  initContainers?: Container[];
  securityContext?: SecurityContext;
  terminationGracePeriodSeconds?: number;
  volumes?: { name: string; emptyDir?: unknown }[];
};

export interface PodRun {
  /** `docker run` arguments up to and including the image, then the image's arguments. */
  args: string[];
  /** How long Kubernetes would wait after SIGTERM before killing the container. */
  gracePeriodSeconds: number;
  /** The container ports, to publish or look up. */
  ports: number[];
  user: string;
}

export interface PodRunOptions {
  pod: PodSpec;
  container?: string;
  /** The image for each image name the manifests use (tags and registries aside). */
  image: string;
  name: string;
  network: string;
  aliases?: string[];
  /** The rendered objects that env and envFrom name. */
  objects?: KObject[];
  fieldRefs?: Record<string, string>;
  /** A Docker volume for each volume that is not an emptyDir (a claim). */
  claims?: Record<string, string>;
  /** Extra environment on top of the manifests' (only where the test must point somewhere else). */
  extraEnv?: Record<string, string>;
  /** Extra bind mounts (`source:target:ro`), for what a cluster would mount itself. */
  mounts?: string[];
  label: string;
}

function dataOf(objects: KObject[], kind: 'ConfigMap' | 'Secret', name: string): Record<string, string> {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`${kind} ${name} is not among the rendered objects`);
  if (kind === 'Secret') {
    const decoded = Object.fromEntries(
      Object.entries((found.data ?? {}) as Record<string, string>).map(([k, v]) => [
        k,
        Buffer.from(v, 'base64').toString(),
      ]),
    );
    return { ...decoded, ...(found.stringData ?? {}) };
  }
  return found.data ?? {};
}

export function podRun(options: PodRunOptions): PodRun {
  const { pod, objects = [], fieldRefs = {} } = options;
  const all = [...(pod.initContainers ?? []), ...pod.containers];
  const container = options.container ? all.find((c) => c.name === options.container) : pod.containers[0];
  if (!container) throw new Error(`no container ${options.container ?? ''} in the pod`);
  const security = { ...pod.securityContext, ...container.securityContext };
  const args = ['run', '-d', '--name', options.name, '--network', options.network, '--label', options.label];
  const hostNetwork = options.network === 'host';
  if (!hostNetwork) for (const alias of options.aliases ?? []) args.push('--network-alias', alias);

  let user = '';
  if (security.runAsUser !== undefined) {
    user = `${security.runAsUser}:${security.runAsGroup ?? security.runAsUser}`;
    args.push('--user', user);
  }
  if (security.readOnlyRootFilesystem) args.push('--read-only');
  for (const cap of security.capabilities?.drop ?? []) args.push('--cap-drop', cap);
  for (const cap of security.capabilities?.add ?? []) args.push('--cap-add', cap);
  if (security.allowPrivilegeEscalation === false) args.push('--security-opt', 'no-new-privileges');

  for (const mount of container.volumeMounts ?? []) {
    const volume = pod.volumes?.find((v) => v.name === mount.name);
    if (volume?.emptyDir !== undefined) args.push('--tmpfs', mount.mountPath);
    else {
      const claim = options.claims?.[mount.name];
      if (!claim) throw new Error(`volume ${mount.name} is neither an emptyDir nor given a Docker volume`);
      args.push('-v', `${claim}:${mount.mountPath}`);
    }
  }

  for (const mount of options.mounts ?? []) args.push('-v', mount);

  const env: Record<string, string> = {};
  for (const from of container.envFrom ?? []) {
    if (from.configMapRef) Object.assign(env, dataOf(objects, 'ConfigMap', from.configMapRef.name));
    if (from.secretRef) Object.assign(env, dataOf(objects, 'Secret', from.secretRef.name));
  }
  for (const e of container.env ?? []) {
    if (e.value !== undefined) env[e.name] = e.value;
    else if (e.valueFrom?.fieldRef) {
      const value = fieldRefs[e.valueFrom.fieldRef.fieldPath ?? ''];
      if (value === undefined)
        throw new Error(`no value for the field reference ${e.valueFrom.fieldRef.fieldPath}`);
      env[e.name] = value;
    } else if (e.valueFrom?.configMapKeyRef || e.valueFrom?.secretKeyRef) {
      const ref = (e.valueFrom.configMapKeyRef ?? e.valueFrom.secretKeyRef)!;
      const kind = e.valueFrom.configMapKeyRef ? 'ConfigMap' : 'Secret';
      env[e.name] = dataOf(objects, kind, ref.name!)[ref.key!] ?? '';
    } else env[e.name] = '';
  }
  Object.assign(env, options.extraEnv);
  for (const [key, value] of Object.entries(env)) args.push('-e', `${key}=${value}`);

  const ports = (container.ports ?? []).map((p) => p.containerPort);
  if (!hostNetwork) for (const port of ports) args.push('-p', `127.0.0.1::${port}`);

  // Kubernetes' command replaces the image's entry point and args its command.
  const [entrypoint, ...commandRest] = container.command ?? [];
  if (entrypoint) args.push('--entrypoint', entrypoint);
  args.push(options.image, ...commandRest, ...(container.args ?? []));
  return { args, gracePeriodSeconds: pod.terminationGracePeriodSeconds ?? 30, ports, user };
}
