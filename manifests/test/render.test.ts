// The kustomize overlays and the examples: rendered by kubectl's kustomize, every object validated
// (built-in kinds against the Kubernetes schemas shipped by kubernetes-models, BotSwarm against its CRD,
// Prometheus Operator kinds against test/prometheus-operator-schemas.ts), then checked as a whole:
// hardening, selectors, references, HPAs, network policies, configuration. The dev overlay is checked
// as shipped and with the monitoring component added as the README shows.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { loadConfig } from '@flock/api/config';
import { commonLabels, selectorLabels } from '@flock/operator/builders';
import { StructuralSchema } from '@flock/operator/crd/validation';
import { type KObject, render } from '@flock/testkit/kustomize';
import { REPO } from '@flock/testkit/repo';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  podMonitorSchema,
  prometheusRuleSchema,
  serviceMonitorSchema,
} from './prometheus-operator-schemas.ts';

// What each render holds besides the base: the monitoring objects only where the component is included.
const VARIANTS = {
  dev: { monitoring: false },
  production: { monitoring: true },
  'dev + components/monitoring': { monitoring: true },
} as const;
type Variant = keyof typeof VARIANTS;
const rendered: Partial<Record<Variant, KObject[]>> = {};
let examples: KObject[] = [];
let crds: KObject[] = [];
let ownOverlay: string;

beforeAll(async () => {
  rendered.dev = await render('manifests/overlays/dev');
  rendered.production = await render('manifests/overlays/production');
  // An overlay of one's own, as manifests/README.md shows; kustomize takes relative paths only.
  ownOverlay = mkdtempSync(join(tmpdir(), 'flock-overlay-'));
  const from = (path: string) => relative(ownOverlay, `${REPO}${path}`);
  writeFileSync(
    join(ownOverlay, 'kustomization.yaml'),
    [
      'apiVersion: kustomize.config.k8s.io/v1beta1',
      'kind: Kustomization',
      'resources:',
      `  - ${from('manifests/overlays/dev')}`,
      'components:',
      `  - ${from('manifests/components/monitoring')}`,
      '',
    ].join('\n'),
  );
  rendered['dev + components/monitoring'] = await render(ownOverlay);
  examples = await render('manifests/examples');
  crds = await render('crds');
});

afterAll(() => {
  if (ownOverlay) rmSync(ownOverlay, { recursive: true, force: true });
});

const ajv = new Ajv({ allErrors: true, strict: false });
const monitoringValidators: Record<string, ReturnType<Ajv['compile']>> = {
  ServiceMonitor: ajv.compile(serviceMonitorSchema),
  PodMonitor: ajv.compile(podMonitorSchema),
  PrometheusRule: ajv.compile(prometheusRuleSchema),
};

const crdDoc = parse(readFileSync(`${REPO}crds/botswarm.yaml`, 'utf8'));
const botSwarmSchema = new StructuralSchema(crdDoc.spec.versions[0].schema.openAPIV3Schema);

/** Validates one object; returns the problems (empty when valid). */
async function validate(obj: KObject): Promise<string[]> {
  const [group, version] = obj.apiVersion.includes('/') ? obj.apiVersion.split('/') : ['', obj.apiVersion];
  if (group === 'monitoring.coreos.com') {
    const check = monitoringValidators[obj.kind];
    if (!check) return [`no schema for ${obj.kind}`];
    return check(obj) ? [] : (check.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
  }
  if (group === 'flock.dev') {
    const copy = structuredClone(obj);
    const unknown = botSwarmSchema.prune(copy);
    botSwarmSchema.applyDefaults(copy);
    return [
      ...unknown.map((f) => `unknown field ${f}`),
      ...botSwarmSchema.validate(copy).map((c) => `${c.field}: ${c.message}`),
    ];
  }
  const path = group
    ? `kubernetes-models/${group}/${version}/${obj.kind}`
    : `kubernetes-models/v1/${obj.kind}`;
  let Model: new (data: unknown) => { validate(): void };
  try {
    Model = (await import(path))[obj.kind];
  } catch {
    return [`no Kubernetes schema for ${obj.apiVersion} ${obj.kind}`];
  }
  try {
    new Model(obj).validate();
    return [];
  } catch (error) {
    return [String((error as Error).message)];
  }
}

const key = (o: KObject) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
const find = (objs: KObject[], kind: string, name: string) =>
  objs.find((o) => o.kind === kind && o.metadata.name === name);

type PodTemplate = { owner: KObject; labels: Record<string, string>; spec: KObject['spec'] };
function podTemplates(objs: KObject[]): PodTemplate[] {
  return objs
    .filter((o) => ['Deployment', 'StatefulSet', 'DaemonSet', 'Job'].includes(o.kind))
    .map((o) => ({ owner: o, labels: o.spec.template.metadata?.labels ?? {}, spec: o.spec.template.spec }));
}
const matches = (selector: Record<string, string>, labels: Record<string, string>) =>
  Object.entries(selector).every(([k, v]) => labels[k] === v);
/** Bot pods are created by the operator from BotSwarms: their labels come from its builders. */
const botPodLabels = (swarms: KObject[]) => swarms.map((s) => commonLabels(s.metadata.name));

describe.each(Object.keys(VARIANTS) as Variant[])('overlay %s', (overlay) => {
  const objs = () => rendered[overlay]!;
  const monitoringObjects = [
    'ServiceMonitor/flock-api',
    'ServiceMonitor/flock-operator',
    'PrometheusRule/flock',
  ];

  it('renders the whole system, without the CRD, with monitoring only from the component', () => {
    const kinds = new Set(objs().map((o) => `${o.kind}/${o.metadata.name}`));
    for (const expected of [
      'Namespace/flock',
      'StatefulSet/flock-postgres',
      'Deployment/flock-api',
      'Service/flock-api',
      'PodDisruptionBudget/flock-api',
      'HorizontalPodAutoscaler/flock-api',
      'Deployment/flock-web',
      'Service/flock-web',
      'Deployment/flock-operator',
      'ServiceAccount/flock-operator',
      'ClusterRole/flock-operator',
      'ConfigMap/flock-api',
      'Secret/flock-api',
      'Secret/flock-postgres',
      'NetworkPolicy/default-deny',
      'ConfigMap/flock-dashboards',
    ])
      expect(kinds, expected).toContain(expected);
    // The CRD is installed on its own (crds/): deleting an overlay must not delete every BotSwarm.
    expect(objs().filter((o) => o.kind === 'CustomResourceDefinition')).toEqual([]);
    const monitoring = objs()
      .filter((o) => o.apiVersion.startsWith('monitoring.coreos.com/'))
      .map((o) => `${o.kind}/${o.metadata.name}`);
    expect(monitoring.sort()).toEqual(VARIANTS[overlay].monitoring ? monitoringObjects.sort() : []);
    expect(find(objs(), 'StatefulSet', 'flock-postgres')!.spec.volumeClaimTemplates).toHaveLength(1);
    // Pods are held to "restricted"; workloads whose pods it would refuse are warned about at apply time.
    expect(find(objs(), 'Namespace', 'flock')!.metadata.labels).toMatchObject({
      'pod-security.kubernetes.io/enforce': 'restricted',
      'pod-security.kubernetes.io/warn': 'restricted',
      'pod-security.kubernetes.io/audit': 'restricted',
    });
    // The API's size is its HPA's: at least two replicas, one Deployment with no replicas of its own.
    expect(find(objs(), 'HorizontalPodAutoscaler', 'flock-api')!.spec.minReplicas).toBeGreaterThanOrEqual(2);
    const keys = objs().map(key);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('every object validates against its schema', async () => {
    // The validators are not vacuous: a wrong type, a missing field and a misspelt monitor field fail.
    const api = structuredClone(find(objs(), 'Deployment', 'flock-api')!);
    api.spec.replicas = 'two';
    delete api.spec.selector;
    expect((await validate(api)).join()).toMatch(/replicas.*integer|integer.*replicas/s);
    expect((await validate(api)).join()).toContain('selector');
    const sm = structuredClone(find(rendered.production!, 'ServiceMonitor', 'flock-api')!);
    sm.spec.endpoints[0].intervall = '15s';
    expect(await validate(sm)).toEqual(['/spec/endpoints/0 must NOT have additional properties']);

    const problems: string[] = [];
    for (const obj of objs()) for (const p of await validate(obj)) problems.push(`${key(obj)}: ${p}`);
    expect(problems).toEqual([]);
  });

  it('every namespaced object lives in the flock namespace', () => {
    const clusterScoped = ['Namespace', 'ClusterRole', 'ClusterRoleBinding'];
    for (const o of objs())
      expect(o.metadata.namespace, key(o)).toBe(clusterScoped.includes(o.kind) ? undefined : 'flock');
  });

  it('every container is hardened, sized and pinned', () => {
    const templates = podTemplates(objs());
    expect(templates.length).toBe(4);
    for (const { owner, spec } of templates) {
      expect(spec.securityContext?.seccompProfile?.type, key(owner)).toBe('RuntimeDefault');
      expect(spec.automountServiceAccountToken ?? true, key(owner)).toBe(
        owner.metadata.name === 'flock-operator',
      );
      for (const c of [...(spec.initContainers ?? []), ...spec.containers]) {
        const where = `${key(owner)} ${c.name}`;
        const sc = c.securityContext ?? {};
        expect(sc.runAsNonRoot ?? spec.securityContext?.runAsNonRoot, where).toBe(true);
        expect(sc.runAsUser ?? spec.securityContext?.runAsUser, where).toBeGreaterThan(0);
        expect(sc.readOnlyRootFilesystem, where).toBe(true);
        expect(sc.allowPrivilegeEscalation, where).toBe(false);
        expect(sc.privileged ?? false, where).toBe(false);
        expect(sc.capabilities?.drop, where).toContain('ALL');
        expect(sc.capabilities?.add ?? [], where).toEqual([]);
        expect(c.resources?.requests?.cpu, where).toBeTruthy();
        expect(c.resources?.requests?.memory, where).toBeTruthy();
        expect(c.resources?.limits?.memory, where).toBeTruthy();
        expect(c.image, where).toMatch(/^[^:@]+(:[\w.-]+|@sha256:[0-9a-f]{64})$/);
        expect(c.image, where).not.toMatch(/:latest$/);
      }
      for (const c of spec.containers) {
        expect(c.readinessProbe, `${key(owner)} ${c.name} readiness`).toBeDefined();
        expect(c.livenessProbe, `${key(owner)} ${c.name} liveness`).toBeDefined();
      }
    }
  });

  it('every Service selects pods of the render, on ports they declare', () => {
    const templates = podTemplates(objs());
    for (const svc of objs().filter((o) => o.kind === 'Service')) {
      const pods = templates.filter((t) => matches(svc.spec.selector, t.labels));
      expect(pods.length, `${key(svc)} selects no pods`).toBeGreaterThan(0);
      for (const port of svc.spec.ports) {
        for (const pod of pods) {
          const declared = pod.spec.containers.flatMap((c: KObject) => c.ports ?? []);
          const target = port.targetPort ?? port.port;
          const ok = declared.some((p: KObject) =>
            typeof target === 'string' ? p.name === target : p.containerPort === target,
          );
          expect(ok, `${key(svc)} port ${port.name} → ${target} not on ${key(pod.owner)}`).toBe(true);
        }
      }
    }
  });

  it('every referenced ConfigMap, Secret, ServiceAccount and Role exists', () => {
    const has = (kind: string, name: string) => find(objs(), kind, name) !== undefined;
    const missing: string[] = [];
    const need = (kind: string, name: string, from: string) => {
      if (!has(kind, name)) missing.push(`${from} → ${kind}/${name}`);
    };
    for (const { owner, spec } of podTemplates(objs())) {
      const from = key(owner);
      // Every namespace has the `default` ServiceAccount (pods that use it do not mount its token).
      if (spec.serviceAccountName) need('ServiceAccount', spec.serviceAccountName, from);
      else expect(spec.automountServiceAccountToken, from).toBe(false);
      for (const c of [...(spec.initContainers ?? []), ...spec.containers]) {
        for (const e of c.envFrom ?? []) {
          if (e.configMapRef) need('ConfigMap', e.configMapRef.name, from);
          if (e.secretRef) need('Secret', e.secretRef.name, from);
        }
        for (const e of c.env ?? []) {
          const ref = e.valueFrom?.configMapKeyRef ?? e.valueFrom?.secretKeyRef;
          if (!ref) continue;
          const kind = e.valueFrom.configMapKeyRef ? 'ConfigMap' : 'Secret';
          need(kind, ref.name, from);
          const obj = find(objs(), kind, ref.name);
          if (obj && !(ref.key in { ...obj.data, ...obj.stringData }))
            missing.push(`${from} → ${ref.name}.${ref.key}`);
        }
      }
      for (const v of spec.volumes ?? []) {
        if (v.configMap) need('ConfigMap', v.configMap.name, from);
        if (v.secret) need('Secret', v.secret.secretName, from);
      }
    }
    for (const b of objs().filter((o) => o.kind === 'RoleBinding' || o.kind === 'ClusterRoleBinding')) {
      need(b.roleRef.kind, b.roleRef.name, key(b));
      for (const s of b.subjects) if (s.kind === 'ServiceAccount') need('ServiceAccount', s.name, key(b));
    }
    for (const ing of objs().filter((o) => o.kind === 'Ingress')) {
      for (const rule of ing.spec.rules)
        for (const p of rule.http.paths) {
          need('Service', p.backend.service.name, key(ing));
          const svc = find(objs(), 'Service', p.backend.service.name);
          expect(svc?.spec.ports.map((x: KObject) => x.name)).toContain(p.backend.service.port.name);
        }
      // The TLS Secret is issued by cert-manager, named by the annotation's issuer.
      for (const tls of ing.spec.tls ?? []) {
        if (!has('Secret', tls.secretName))
          expect(ing.metadata.annotations?.['cert-manager.io/cluster-issuer'], key(ing)).toBeTruthy();
      }
    }
    expect(missing).toEqual([]);
  });

  it('HPAs and PodDisruptionBudgets target objects of the render, which leave replicas to the HPA', () => {
    const hpas = objs().filter((o) => o.kind === 'HorizontalPodAutoscaler');
    expect(hpas.length).toBeGreaterThan(0);
    for (const hpa of hpas) {
      const { kind, name, apiVersion } = hpa.spec.scaleTargetRef;
      const target = find(objs(), kind, name);
      expect(target, key(hpa)).toBeDefined();
      expect(target!.apiVersion).toBe(apiVersion);
      // Under server-side apply a replicas field here would fight the HPA on every re-apply.
      expect(target!.spec, key(target!)).not.toHaveProperty('replicas');
      expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(1);
      expect(hpa.spec.maxReplicas).toBeGreaterThan(hpa.spec.minReplicas);
      // A CPU utilization target needs CPU requests on every container.
      for (const c of target!.spec.template.spec.containers) expect(c.resources.requests.cpu).toBeTruthy();
    }
    for (const pdb of objs().filter((o) => o.kind === 'PodDisruptionBudget')) {
      const owners = podTemplates(objs()).filter((t) => matches(pdb.spec.selector.matchLabels, t.labels));
      expect(owners.map((t) => key(t.owner))).toEqual(['Deployment/flock/flock-api']);
      // The fewest replicas there are: the HPA's minReplicas. Evicting one must stay possible.
      const hpa = hpas.find((h) => h.spec.scaleTargetRef.name === owners[0]!.owner.metadata.name)!;
      expect(pdb.spec.minAvailable).toBeLessThan(hpa.spec.minReplicas);
    }
  });

  it('network policies: only the API reaches PostgreSQL, bots reach only the API', () => {
    const policies = objs().filter((o) => o.kind === 'NetworkPolicy');
    const pods = [
      ...podTemplates(objs()).map((t) => t.labels),
      ...botPodLabels(examples.filter((o) => o.kind === 'BotSwarm')),
    ];
    for (const p of policies) {
      const selected = pods.filter((l) => matches(p.spec.podSelector.matchLabels ?? {}, l));
      expect(selected.length, `${key(p)} selects no pods`).toBeGreaterThan(0);
    }
    const deny = find(objs(), 'NetworkPolicy', 'default-deny')!;
    expect(deny.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });

    const ingressPeers = (target: Record<string, string>, port: number) =>
      policies
        .filter((p) => matches(p.spec.podSelector.matchLabels ?? {}, target))
        .flatMap((p) => p.spec.ingress ?? [])
        .filter((rule: KObject) => !rule.ports || rule.ports.some((x: KObject) => x.port === port))
        .flatMap((rule: KObject) => rule.from ?? [{ any: true }]);
    const postgresPeers = ingressPeers({ 'app.kubernetes.io/name': 'flock-postgres' }, 5432);
    expect(postgresPeers).toEqual([
      { podSelector: { matchLabels: { 'app.kubernetes.io/name': 'flock-api' } } },
    ]);

    const bot = commonLabels('demo');
    const botEgress = policies
      .filter((p) => matches(p.spec.podSelector.matchLabels ?? {}, bot))
      .flatMap((p) => p.spec.egress ?? []);
    const nonDns = botEgress.filter((rule: KObject) => !rule.ports?.every((x: KObject) => x.port === 53));
    expect(nonDns).toEqual([
      {
        to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'flock-api' } } }],
        ports: [{ protocol: 'TCP', port: 3000 }],
      },
    ]);
    // The operator's own selector labels are the ones the bot policy uses.
    expect(matches(selectorLabels('demo'), bot)).toBe(true);
  });

  it('ServiceMonitors select a Service with the named port', () => {
    for (const sm of objs().filter((o) => o.kind === 'ServiceMonitor')) {
      const services = objs().filter(
        (o) =>
          o.kind === 'Service' &&
          matches(sm.spec.selector.matchLabels, o.metadata.labels ?? {}) &&
          sm.spec.namespaceSelector.matchNames.includes(o.metadata.namespace),
      );
      expect(services.length, key(sm)).toBe(1);
      for (const ep of sm.spec.endpoints)
        expect(services[0]!.spec.ports.map((p: KObject) => p.name)).toContain(ep.port);
      expect(sm.metadata.labels?.release).toBe('kube-prometheus-stack');
    }
  });

  it('the API configuration validates against its schema and agrees with PostgreSQL', () => {
    const config = find(objs(), 'ConfigMap', 'flock-api')!.data;
    const secret = find(objs(), 'Secret', 'flock-api')!.stringData;
    const api = loadConfig({ ...config, ...secret });
    expect(api.NODE_ENV).toBe('production');
    expect(api.HOST).toBe('0.0.0.0');
    expect(api.METRICS_HOST).toBe('0.0.0.0');
    expect(api.embedded).toBe(false);
    expect(api.SHUTDOWN_DELAY_MS + api.SHUTDOWN_GRACE_MS).toBeLessThan(
      find(objs(), 'Deployment', 'flock-api')!.spec.template.spec.terminationGracePeriodSeconds * 1000,
    );
    const deployment = find(objs(), 'Deployment', 'flock-api')!;
    const ports = Object.fromEntries(
      deployment.spec.template.spec.containers[0].ports.map((p: KObject) => [p.name, p.containerPort]),
    );
    expect(ports).toEqual({ http: api.PORT, metrics: api.METRICS_PORT });

    const db = new URL(api.DATABASE_URL!);
    const pg = find(objs(), 'Secret', 'flock-postgres')!.stringData;
    expect(decodeURIComponent(db.username)).toBe(pg.POSTGRES_USER);
    expect(decodeURIComponent(db.password)).toBe(pg.POSTGRES_PASSWORD);
    expect(db.pathname).toBe(`/${pg.POSTGRES_DB}`);
    expect(db.hostname).toBe('flock-postgres');
    expect(find(objs(), 'Service', db.hostname)!.spec.ports[0].port).toBe(Number(db.port));
    for (const s of objs().filter((o) => o.kind === 'Secret'))
      expect(s.metadata.annotations?.['flock.dev/development-values'], key(s)).toBe('true');
  });

  it('ships the dashboards of grafana/', () => {
    const dashboards = find(objs(), 'ConfigMap', 'flock-dashboards')!;
    expect(dashboards.metadata.labels?.grafana_dashboard).toBe('1');
    expect(Object.keys(dashboards.data).sort()).toEqual([
      'bot-swarms.json',
      'operator.json',
      'overview.json',
    ]);
    for (const [file, json] of Object.entries(dashboards.data))
      expect(json).toBe(readFileSync(`${REPO}grafana/dashboards/${file}`, 'utf8'));
  });
});

describe('overlays differ where they should', () => {
  it('dev uses locally loaded images; production pinned releases, more replicas and an Ingress', () => {
    const images = (objs: KObject[]) =>
      podTemplates(objs).flatMap((t) => t.spec.containers.map((c: KObject) => c.image as string));
    expect(
      images(rendered.dev!)
        .filter((i) => i.startsWith('flock/'))
        .sort(),
    ).toEqual(['flock/api:dev', 'flock/operator:dev', 'flock/web:dev']);
    for (const t of podTemplates(rendered.dev!))
      for (const c of t.spec.containers)
        if (c.image.startsWith('flock/')) expect(c.imagePullPolicy).toBe('IfNotPresent');
    expect(
      images(rendered.production!)
        .filter((i) => i.startsWith('ghcr.io/flock/'))
        .sort(),
    ).toEqual(['ghcr.io/flock/api:0.1.0', 'ghcr.io/flock/operator:0.1.0', 'ghcr.io/flock/web:0.1.0']);
    expect(find(rendered.production!, 'HorizontalPodAutoscaler', 'flock-api')!.spec).toMatchObject({
      minReplicas: 3,
      maxReplicas: 12,
    });
    expect(find(rendered.dev!, 'HorizontalPodAutoscaler', 'flock-api')!.spec).toMatchObject({
      minReplicas: 2,
      maxReplicas: 6,
    });
    expect(find(rendered.production!, 'PodDisruptionBudget', 'flock-api')!.spec.minAvailable).toBe(2);
    expect(find(rendered.production!, 'Ingress', 'flock')).toBeDefined();
    expect(find(rendered.dev!, 'Ingress', 'flock')).toBeUndefined();
  });

  it('the component adds the monitoring objects and changes nothing else', () => {
    const withMonitoring = rendered['dev + components/monitoring']!;
    const isMonitoring = (o: KObject) => o.apiVersion.startsWith('monitoring.coreos.com/');
    expect(withMonitoring.filter((o) => !isMonitoring(o))).toEqual(rendered.dev);
    expect(withMonitoring.filter(isMonitoring)).toEqual(rendered.production!.filter(isMonitoring));
  });

  it('the dev overlay names the component in the lines the README says to uncomment', () => {
    const dev = readFileSync(`${REPO}manifests/overlays/dev/kustomization.yaml`, 'utf8');
    const uncommented = parse(dev.replace(/^# (components:| {2}- \.\.\/\.\.\/components\/)/gm, '$1'));
    expect(parse(dev).components).toBeUndefined();
    expect(uncommented.components).toEqual(['../../components/monitoring']);
    const production = parse(readFileSync(`${REPO}manifests/overlays/production/kustomization.yaml`, 'utf8'));
    expect(production.components).toEqual(uncommented.components);
  });
});

describe('the BotSwarm CRD, installed on its own', () => {
  it('kubectl apply -k crds installs exactly crds/botswarm.yaml', () => {
    expect(crds).toEqual([crdDoc]);
    expect(crdDoc.metadata.name).toBe('botswarms.flock.dev');
  });
});

describe('examples', () => {
  it('the example BotSwarm validates against the CRD (schema and CEL rules)', async () => {
    const swarm = find(examples, 'BotSwarm', 'demo')!;
    expect(await validate(swarm)).toEqual([]);
    // The validator is not vacuous: a broken copy is refused.
    const broken = structuredClone(swarm);
    broken.spec.replicas = broken.spec.maxReplicas + 1;
    broken.spec.behavior.tagPool = [];
    broken.spec.unknownField = true;
    // Four problems: the empty pool breaks the rule of posts and that of replies (the example replies).
    expect((await validate(broken)).length).toBe(4);
  });

  it('the example swarm targets the API Service and is picked up by Prometheus', () => {
    const swarm = find(examples, 'BotSwarm', 'demo')!;
    const url = new URL(swarm.spec.target.url);
    const api = find(rendered.dev!, 'Service', url.hostname)!;
    expect(api.spec.ports.find((p: KObject) => p.name === 'http').port).toBe(Number(url.port));
    expect(swarm.metadata.namespace).toBe('flock');
    expect(swarm.spec.metrics.labels.release).toBe('kube-prometheus-stack');
  });

  it('the example HPA scales the BotSwarm through its scale subresource and alone sets its size', async () => {
    const hpa = find(examples, 'HorizontalPodAutoscaler', 'demo-bots')!;
    expect(await validate(hpa)).toEqual([]);
    const { apiVersion, kind, name } = hpa.spec.scaleTargetRef;
    const swarm = find(examples, kind, name)!;
    expect(swarm.apiVersion).toBe(apiVersion);
    const scale = crdDoc.spec.versions.find((v: KObject) => `${crdDoc.spec.group}/${v.name}` === apiVersion)
      .subresources.scale;
    expect(scale).toEqual({
      specReplicasPath: '.spec.replicas',
      statusReplicasPath: '.status.replicas',
      labelSelectorPath: '.status.selector',
    });
    expect(hpa.spec.maxReplicas).toBeLessThanOrEqual(swarm.spec.maxReplicas);
    expect(swarm.spec.template.resources.requests.cpu).toBeTruthy();
    // The HPA owns spec.replicas; the swarm starts at the CRD's default and the HPA raises it to its minimum.
    expect(swarm.spec).not.toHaveProperty('replicas');
    const defaulted = structuredClone(swarm);
    botSwarmSchema.applyDefaults(defaulted);
    expect(defaulted.spec.replicas).toBe(1);
    expect(hpa.spec.minReplicas).toBe(2);
  });
});
