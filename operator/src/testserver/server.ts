/**
 * A Kubernetes test API server: HTTP on 127.0.0.1 with the semantics controllers and kubectl rely on
 * (discovery, CRUD with uid/resourceVersion/generation, 409 on stale writes, list and watch with resume
 * and 410 Gone, status and scale subresources, label and field selectors, merge/JSON/strategic/apply
 * patches, CRD schema + CEL validation answered with 422, server-side printing for `kubectl get`,
 * owner-reference garbage collection), a simulated Deployment controller and kubelet, and fault injection.
 *
 * It is a test double for the Kubernetes API only. See operator/README.md for what it cannot prove.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse as parseYaml } from 'yaml';
import type { JsonSchema } from '../crd/crd.ts';
import { type Cause, invalidMessage, StructuralSchema } from '../crd/validation.ts';
import { jsonPatch, mergePatch, PatchError, serverSideApply, strategicMergePatch } from './patch.ts';
import {
  jsonPath,
  matchFields,
  matchLabels,
  parseFieldSelector,
  parseLabelSelector,
  SelectorError,
} from './selectors.ts';
import { DeploymentSimulator, type PodFailureRule } from './sim.ts';

// biome-ignore lint/suspicious/noExplicitAny: Kubernetes objects are free-form JSON here.
export type Obj = Record<string, any>;

export interface ScaleSpec {
  specReplicasPath: string;
  statusReplicasPath: string;
  labelSelectorPath?: string;
}

export interface PrinterColumn {
  name: string;
  type: string;
  jsonPath: string;
  description?: string;
  format?: string;
  priority?: number;
}

export interface ResourceType {
  group: string;
  version: string;
  kind: string;
  listKind: string;
  plural: string;
  singular: string;
  shortNames: string[];
  categories: string[];
  namespaced: boolean;
  status: boolean;
  scale?: ScaleSpec;
  schema?: StructuralSchema;
  columns?: PrinterColumn[];
  /** Set for resources served from a CRD. */
  crd?: string;
}

class HttpError extends Error {
  readonly code: number;
  readonly reason: string;
  readonly details?: Obj;
  constructor(code: number, reason: string, message: string, details?: Obj) {
    super(message);
    this.code = code;
    this.reason = reason;
    this.details = details;
  }
}

export interface FaultRule {
  /** HTTP method to match (GET, PUT…); any if absent. */
  method?: string;
  /** Regular expression matched against the path (without query). */
  path?: string;
  /** Match only watch requests (true) or only non-watch requests (false). */
  watch?: boolean;
  /** Regular expression matched against the User-Agent. */
  userAgent?: string;
  /** Answer with this status code (409, 410, 500, 503…). */
  status?: number;
  /** Delay the answer this long. */
  delayMs?: number;
  /** How many requests this rule applies to (default 1; 0 = unlimited). */
  times?: number;
}

export interface WriteRecord {
  method: string;
  path: string;
  userAgent: string;
  code: number;
  at: number;
}

interface Watcher {
  type: ResourceType;
  namespace?: string;
  labels: ReturnType<typeof parseLabelSelector>;
  fields: ReturnType<typeof parseFieldSelector>;
  res: ServerResponse;
  path: string;
  timer?: NodeJS.Timeout;
  /** `kubectl get -w`: each event's object is a one-row Table. */
  table: boolean;
}

interface HistoryEvent {
  rv: number;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  resource: string;
  obj: Obj;
  old?: Obj;
}

export interface TestApiServerOptions {
  port?: number;
  host?: string;
  /** Watch events kept for resuming watches; older resourceVersions get 410 Gone. */
  historySize?: number;
  /** How long the simulated Deployment controller takes to bring pods up. */
  readyDelayMs?: number;
  /** Serve the Prometheus Operator's ServiceMonitor and PodMonitor CRDs from the start. */
  prometheusOperator?: boolean;
  namespaces?: string[];
}

const BUILTINS: Array<Omit<ResourceType, 'listKind' | 'singular' | 'categories'> & Partial<ResourceType>> = [
  {
    group: '',
    version: 'v1',
    kind: 'Namespace',
    plural: 'namespaces',
    shortNames: ['ns'],
    namespaced: false,
    status: true,
  },
  {
    group: '',
    version: 'v1',
    kind: 'Pod',
    plural: 'pods',
    shortNames: ['po'],
    namespaced: true,
    status: true,
  },
  {
    group: '',
    version: 'v1',
    kind: 'Service',
    plural: 'services',
    shortNames: ['svc'],
    namespaced: true,
    status: true,
  },
  {
    group: '',
    version: 'v1',
    kind: 'Event',
    plural: 'events',
    shortNames: ['ev'],
    namespaced: true,
    status: false,
  },
  {
    group: '',
    version: 'v1',
    kind: 'ConfigMap',
    plural: 'configmaps',
    shortNames: ['cm'],
    namespaced: true,
    status: false,
  },
  {
    group: '',
    version: 'v1',
    kind: 'ServiceAccount',
    plural: 'serviceaccounts',
    shortNames: ['sa'],
    namespaced: true,
    status: false,
  },
  {
    group: 'apps',
    version: 'v1',
    kind: 'Deployment',
    plural: 'deployments',
    shortNames: ['deploy'],
    namespaced: true,
    status: true,
    scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas' },
  },
  {
    group: 'coordination.k8s.io',
    version: 'v1',
    kind: 'Lease',
    plural: 'leases',
    shortNames: [],
    namespaced: true,
    status: false,
  },
  {
    group: 'autoscaling',
    version: 'v2',
    kind: 'HorizontalPodAutoscaler',
    plural: 'horizontalpodautoscalers',
    shortNames: ['hpa'],
    namespaced: true,
    status: true,
  },
  {
    group: 'apiextensions.k8s.io',
    version: 'v1',
    kind: 'CustomResourceDefinition',
    plural: 'customresourcedefinitions',
    shortNames: ['crd', 'crds'],
    namespaced: false,
    status: true,
  },
  {
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    kind: 'ClusterRole',
    plural: 'clusterroles',
    shortNames: [],
    namespaced: false,
    status: false,
  },
  {
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    kind: 'ClusterRoleBinding',
    plural: 'clusterrolebindings',
    shortNames: [],
    namespaced: false,
    status: false,
  },
  {
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    kind: 'Role',
    plural: 'roles',
    shortNames: [],
    namespaced: true,
    status: false,
  },
  {
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    kind: 'RoleBinding',
    plural: 'rolebindings',
    shortNames: [],
    namespaced: true,
    status: false,
  },
];

const resKey = (t: { group: string; plural: string }) => `${t.group}/${t.plural}`;
const gv = (t: { group: string; version: string }) => (t.group ? `${t.group}/${t.version}` : t.version);
const objKey = (ns: string | undefined, name: string) => `${ns ?? ''}/${name}`;

function age(ts: string | undefined): string {
  if (!ts) return '<unknown>';
  const s = Math.max(0, Math.floor((Date.now() - Date.parse(ts)) / 1000));
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.floor(s / 60)}m`;
  if (s < 172800) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86400)}d`;
}

function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) =>
    x && typeof x === 'object' && !Array.isArray(x)
      ? Object.fromEntries(Object.entries(x as Obj).sort(([a], [b]) => (a < b ? -1 : 1)))
      : x,
  );
}

function setPath(obj: Obj, path: string, value: unknown) {
  const parts = path.split('.').filter(Boolean);
  let cur = obj;
  for (const p of parts.slice(0, -1)) {
    cur[p] ??= {};
    cur = cur[p];
  }
  cur[parts.at(-1)!] = value;
}

export class TestApiServer {
  readonly options: Required<Omit<TestApiServerOptions, 'namespaces'>> & { namespaces: string[] };
  readonly types = new Map<string, ResourceType>();
  readonly store = new Map<string, Map<string, Obj>>();
  readonly history: HistoryEvent[] = [];
  readonly writes: WriteRecord[] = [];
  readonly faults: Array<FaultRule & { id: number; left: number }> = [];
  readonly requestCounts = new Map<string, number>();
  /** Every API request (method, path, watch, User-Agent), for RBAC and traffic assertions. */
  readonly requests: Array<{ method: string; path: string; watch: boolean; userAgent: string }> = [];
  /** LIST requests (not watches) by User-Agent: how often each client (re-)listed. */
  readonly lists = new Map<string, number>();
  readonly sim: DeploymentSimulator;
  #rv = 100;
  #oldestRv = 100;
  #watchers = new Set<Watcher>();
  #server?: Server;
  #faultId = 1;
  #listeners = new Set<(e: HistoryEvent) => void>();
  /** Last applied configuration per object and field manager (for server-side apply). */
  #applied = new Map<string, Obj>();

  constructor(options: TestApiServerOptions = {}) {
    this.options = {
      port: options.port ?? 0,
      host: options.host ?? '127.0.0.1',
      historySize: options.historySize ?? 100_000,
      readyDelayMs: options.readyDelayMs ?? 100,
      prometheusOperator: options.prometheusOperator ?? true,
      namespaces: options.namespaces ?? ['default', 'kube-system'],
    };
    for (const b of BUILTINS) {
      this.registerType({ listKind: `${b.kind}List`, singular: b.kind.toLowerCase(), categories: [], ...b });
    }
    for (const ns of this.options.namespaces) this.ensureNamespace(ns);
    if (this.options.prometheusOperator) this.installPrometheusOperatorCrds();
    this.sim = new DeploymentSimulator(this);
  }

  // ---------------------------------------------------------------- registry

  registerType(t: ResourceType) {
    this.types.set(resKey(t), t);
    if (!this.store.has(resKey(t))) this.store.set(resKey(t), new Map());
  }

  typeOf(group: string, version: string, plural: string): ResourceType | undefined {
    const t = this.types.get(`${group}/${plural}`);
    return t && t.version === version ? t : undefined;
  }

  typeByKind(apiVersion: string, kind: string): ResourceType | undefined {
    for (const t of this.types.values()) if (gv(t) === apiVersion && t.kind === kind) return t;
    return undefined;
  }

  ensureNamespace(name: string) {
    const t = this.types.get('/namespaces')!;
    if (!this.store.get('/namespaces')!.has(objKey(undefined, name))) {
      this.#create(t, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } }, undefined);
    }
  }

  /** Minimal ServiceMonitor and PodMonitor CRDs (spec kept as given), as if the Prometheus Operator were installed. */
  installPrometheusOperatorCrds() {
    for (const [kind, plural] of [
      ['ServiceMonitor', 'servicemonitors'],
      ['PodMonitor', 'podmonitors'],
    ] as const) {
      this.createObject(prometheusCrd(kind, plural));
    }
  }

  uninstallPrometheusOperatorCrds() {
    for (const plural of ['servicemonitors', 'podmonitors']) {
      const crdName = `${plural}.monitoring.coreos.com`;
      const t = this.types.get('apiextensions.k8s.io/customresourcedefinitions')!;
      const crd = this.store.get(resKey(t))!.get(objKey(undefined, crdName));
      if (crd) this.#delete(t, crd);
    }
  }

  #crdChanged(crd: Obj | undefined, old: Obj | undefined) {
    if (old) {
      const t = this.types.get(`${old.spec.group}/${old.spec.names.plural}`);
      if (t && t.crd === old.metadata.name) this.types.delete(resKey(t));
    }
    if (!crd) return;
    const spec = crd.spec;
    const version = (spec.versions as Obj[]).find((v) => v.storage) ?? spec.versions[0];
    this.registerType({
      group: spec.group,
      version: version.name,
      kind: spec.names.kind,
      listKind: spec.names.listKind ?? `${spec.names.kind}List`,
      plural: spec.names.plural,
      singular: spec.names.singular ?? spec.names.kind.toLowerCase(),
      shortNames: spec.names.shortNames ?? [],
      categories: spec.names.categories ?? [],
      namespaced: spec.scope === 'Namespaced',
      status: Boolean(version.subresources?.status),
      scale: version.subresources?.scale,
      schema: version.schema?.openAPIV3Schema
        ? new StructuralSchema(version.schema.openAPIV3Schema as JsonSchema)
        : undefined,
      columns: version.additionalPrinterColumns,
      crd: crd.metadata.name,
    });
  }

  // ---------------------------------------------------------------- store

  #nextRv() {
    return ++this.#rv;
  }

  #emit(e: HistoryEvent) {
    this.history.push(e);
    if (this.history.length > this.options.historySize) {
      const dropped = this.history.splice(0, this.history.length - this.options.historySize);
      this.#oldestRv = dropped.at(-1)!.rv;
    }
    for (const w of this.#watchers) this.#deliver(w, e);
    for (const l of this.#listeners) l(e);
  }

  onChange(listener: (e: HistoryEvent) => void) {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  list(t: ResourceType, namespace?: string): Obj[] {
    const all = [...this.store.get(resKey(t))!.values()];
    return namespace ? all.filter((o) => o.metadata.namespace === namespace) : all;
  }

  getObject(apiVersion: string, kind: string, namespace: string | undefined, name: string): Obj | undefined {
    const t = this.typeByKind(apiVersion, kind);
    if (!t) return undefined;
    const o = this.store.get(resKey(t))!.get(objKey(t.namespaced ? namespace : undefined, name));
    return o ? structuredClone(o) : undefined;
  }

  listObjects(apiVersion: string, kind: string, namespace?: string): Obj[] {
    const t = this.typeByKind(apiVersion, kind);
    return t ? this.list(t, namespace).map((o) => structuredClone(o)) : [];
  }

  /** Stored objects of a kind, not copied: read-only, for simulated controllers and test assertions. */
  peekObjects(apiVersion: string, kind: string, namespace?: string): readonly Obj[] {
    const t = this.typeByKind(apiVersion, kind);
    return t ? this.list(t, namespace) : [];
  }

  /** Creates an object directly (as a controller inside the cluster would). */
  createObject(obj: Obj): Obj {
    const t = this.typeByKind(obj.apiVersion, obj.kind);
    if (!t) throw new Error(`no type ${obj.apiVersion} ${obj.kind}`);
    return this.#create(t, structuredClone(obj), obj.metadata.namespace);
  }

  /** Replaces an object's status directly (simulated controllers). No-op when unchanged. */
  writeStatus(
    apiVersion: string,
    kind: string,
    namespace: string | undefined,
    name: string,
    status: Obj,
  ): Obj | undefined {
    const t = this.typeByKind(apiVersion, kind)!;
    const cur = this.store.get(resKey(t))!.get(objKey(t.namespaced ? namespace : undefined, name));
    if (!cur) return undefined;
    if (canonical(cur.status) === canonical(status)) return cur;
    const next = { ...structuredClone(cur), status: structuredClone(status) };
    return this.#put(t, next, cur);
  }

  deleteObject(apiVersion: string, kind: string, namespace: string | undefined, name: string) {
    const t = this.typeByKind(apiVersion, kind)!;
    const cur = this.store.get(resKey(t))!.get(objKey(t.namespaced ? namespace : undefined, name));
    if (cur) this.#delete(t, cur);
  }

  #create(t: ResourceType, obj: Obj, namespace: string | undefined): Obj {
    obj.metadata ??= {};
    const m = obj.metadata;
    if (!m.name && m.generateName) m.name = `${m.generateName}${randomUUID().slice(0, 5)}`;
    if (!m.name)
      throw new HttpError(
        422,
        'Invalid',
        `${t.kind} "" is invalid: metadata.name: Required value: name or generateName is required`,
      );
    if (t.namespaced) {
      m.namespace = namespace ?? m.namespace ?? 'default';
      if (!this.store.get('/namespaces')!.has(objKey(undefined, m.namespace))) {
        throw new HttpError(404, 'NotFound', `namespaces "${m.namespace}" not found`, {
          name: m.namespace,
          kind: 'namespaces',
        });
      }
    } else delete m.namespace;
    const bucket = this.store.get(resKey(t))!;
    if (bucket.has(objKey(m.namespace, m.name))) {
      throw new HttpError(
        409,
        'AlreadyExists',
        `${t.plural}${t.group ? `.${t.group}` : ''} "${m.name}" already exists`,
        {
          name: m.name,
          group: t.group,
          kind: t.plural,
        },
      );
    }
    obj.apiVersion = gv(t);
    obj.kind = t.kind;
    m.uid = randomUUID();
    m.creationTimestamp = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    m.generation = 1;
    delete m.resourceVersion;
    delete m.deletionTimestamp;
    this.#defaults(t, obj);
    m.resourceVersion = String(this.#nextRv());
    bucket.set(objKey(m.namespace, m.name), obj);
    if (t.kind === 'CustomResourceDefinition') this.#crdCreated(obj);
    this.#emit({
      rv: Number(m.resourceVersion),
      type: 'ADDED',
      resource: resKey(t),
      obj: structuredClone(obj),
    });
    return structuredClone(obj);
  }

  #crdCreated(obj: Obj) {
    this.#crdChanged(obj, undefined);
    obj.status = {
      conditions: [
        {
          type: 'NamesAccepted',
          status: 'True',
          reason: 'NoConflicts',
          message: 'no conflicts found',
          lastTransitionTime: obj.metadata.creationTimestamp,
        },
        {
          type: 'Established',
          status: 'True',
          reason: 'InitialNamesAccepted',
          message: 'the initial names have been accepted',
          lastTransitionTime: obj.metadata.creationTimestamp,
        },
      ],
      acceptedNames: obj.spec.names,
      storedVersions: [(obj.spec.versions as Obj[])[0]?.name],
    };
  }

  /** Stores `next` over `cur`; bumps resourceVersion and generation; no-op (same RV) when nothing changed. */
  #put(t: ResourceType, next: Obj, cur: Obj): Obj {
    const m = next.metadata;
    m.uid = cur.metadata.uid;
    m.creationTimestamp = cur.metadata.creationTimestamp;
    m.name = cur.metadata.name;
    if (t.namespaced) m.namespace = cur.metadata.namespace;
    if (cur.metadata.deletionTimestamp) m.deletionTimestamp = cur.metadata.deletionTimestamp;
    next.apiVersion = gv(t);
    next.kind = t.kind;
    this.#defaults(t, next);
    const specOf = (o: Obj) => {
      const { metadata: _m, status: _s, ...rest } = o;
      return rest;
    };
    m.generation = cur.metadata.generation ?? 1;
    if (canonical(specOf(next)) !== canonical(specOf(cur))) m.generation++;
    m.resourceVersion = cur.metadata.resourceVersion;
    if (canonical(next) === canonical(cur)) return structuredClone(cur);
    m.resourceVersion = String(this.#nextRv());
    if (m.deletionTimestamp && (m.finalizers ?? []).length === 0) {
      this.#remove(t, next);
      return structuredClone(next);
    }
    this.store.get(resKey(t))!.set(objKey(m.namespace, m.name), next);
    if (t.kind === 'CustomResourceDefinition') this.#crdChanged(next, cur);
    this.#emit({
      rv: Number(m.resourceVersion),
      type: 'MODIFIED',
      resource: resKey(t),
      obj: structuredClone(next),
      old: cur,
    });
    return structuredClone(next);
  }

  #delete(t: ResourceType, cur: Obj): Obj {
    if ((cur.metadata.finalizers ?? []).length > 0) {
      if (cur.metadata.deletionTimestamp) return structuredClone(cur);
      const next = structuredClone(cur);
      next.metadata.deletionTimestamp = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
      next.metadata.resourceVersion = String(this.#nextRv());
      this.store.get(resKey(t))!.set(objKey(next.metadata.namespace, next.metadata.name), next);
      this.#emit({
        rv: Number(next.metadata.resourceVersion),
        type: 'MODIFIED',
        resource: resKey(t),
        obj: structuredClone(next),
        old: cur,
      });
      return structuredClone(next);
    }
    const gone = structuredClone(cur);
    gone.metadata.resourceVersion = String(this.#nextRv());
    this.#remove(t, gone);
    return gone;
  }

  #remove(t: ResourceType, gone: Obj) {
    this.store.get(resKey(t))!.delete(objKey(gone.metadata.namespace, gone.metadata.name));
    for (const k of this.#applied.keys()) if (k.startsWith(`${gone.metadata.uid}|`)) this.#applied.delete(k);
    this.#emit({
      rv: Number(gone.metadata.resourceVersion),
      type: 'DELETED',
      resource: resKey(t),
      obj: structuredClone(gone),
    });
    if (t.kind === 'CustomResourceDefinition') {
      this.#crdChanged(undefined, gone);
      const ct = this.types.get(`${gone.spec.group}/${gone.spec.names.plural}`);
      if (!ct || ct.crd === gone.metadata.name) {
        const bucket = this.store.get(`${gone.spec.group}/${gone.spec.names.plural}`);
        bucket?.clear();
      }
    }
    if (t.kind === 'Namespace') {
      for (const [k, bucket] of this.store) {
        const ty = this.types.get(k);
        if (!ty?.namespaced) continue;
        for (const o of [...bucket.values()])
          if (o.metadata.namespace === gone.metadata.name) this.#delete(ty, o);
      }
    }
    // Garbage collection: dependents whose owner is gone are deleted (background propagation).
    const uid = gone.metadata.uid;
    setImmediate(() => {
      for (const [k, bucket] of this.store) {
        const ty = this.types.get(k);
        if (!ty) continue;
        for (const o of [...bucket.values()]) {
          if ((o.metadata.ownerReferences ?? []).some((r: Obj) => r.uid === uid)) this.#delete(ty, o);
        }
      }
    });
  }

  #defaults(t: ResourceType, obj: Obj) {
    if (t.kind === 'Deployment') {
      obj.spec ??= {};
      obj.spec.replicas ??= 1;
      obj.spec.progressDeadlineSeconds ??= 600;
      obj.spec.revisionHistoryLimit ??= 10;
      obj.spec.strategy ??= {
        type: 'RollingUpdate',
        rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' },
      };
    } else if (t.kind === 'Service') {
      obj.spec ??= {};
      obj.spec.type ??= 'ClusterIP';
      obj.spec.sessionAffinity ??= 'None';
      if (!obj.spec.clusterIP) {
        const n = this.#rv;
        obj.spec.clusterIP = `10.96.${(n >> 8) & 255}.${n & 255}`;
      }
      obj.spec.clusterIPs ??= [obj.spec.clusterIP];
    } else if (t.kind === 'Namespace') {
      obj.spec ??= { finalizers: ['kubernetes'] };
      obj.status ??= { phase: 'Active' };
      obj.metadata.labels = {
        ...(obj.metadata.labels ?? {}),
        'kubernetes.io/metadata.name': obj.metadata.name,
      };
    }
    if (t.schema) t.schema.applyDefaults(obj);
  }

  // ---------------------------------------------------------------- watch

  #matches(w: Watcher, o: Obj): boolean {
    return (
      (!w.namespace || o.metadata.namespace === w.namespace) &&
      matchLabels(w.labels, o.metadata.labels) &&
      matchFields(w.fields, o as { metadata: { name: string; namespace?: string } })
    );
  }

  #deliver(w: Watcher, e: HistoryEvent) {
    if (e.resource !== resKey(w.type)) return;
    const now = this.#matches(w, e.obj);
    const before = e.old ? this.#matches(w, e.old) : false;
    let type: string | undefined;
    if (e.type === 'MODIFIED')
      type = now && before ? 'MODIFIED' : now ? 'ADDED' : before ? 'DELETED' : undefined;
    else type = now ? e.type : undefined;
    if (type) w.res.write(this.#watchEvent(w, type, e.obj));
  }

  #watchEvent(w: Watcher, type: string, obj: Obj): string {
    const object = w.table ? this.#table(w.type, [obj], obj.metadata.resourceVersion) : obj;
    return `${JSON.stringify({ type, object })}\n`;
  }

  /** Closes every open watch (or those whose path matches), as a load balancer or apiserver restart would. */
  dropWatches(pathPattern?: string): number {
    let n = 0;
    for (const w of [...this.#watchers]) {
      if (pathPattern && !new RegExp(pathPattern).test(w.path)) continue;
      w.res.end();
      this.#watchers.delete(w);
      n++;
    }
    return n;
  }

  /** Forgets watch history, so resuming from any earlier resourceVersion answers 410 Gone. */
  compact() {
    this.history.length = 0;
    this.#oldestRv = this.#rv;
  }

  get openWatches() {
    return this.#watchers.size;
  }

  // ---------------------------------------------------------------- faults

  addFault(rule: FaultRule): number {
    const id = this.#faultId++;
    this.faults.push({ ...rule, id, left: rule.times ?? 1 });
    return id;
  }

  clearFaults() {
    this.faults.length = 0;
  }

  #fault(req: IncomingMessage, path: string, watch: boolean) {
    for (const f of this.faults) {
      if (f.method && f.method.toUpperCase() !== req.method) continue;
      if (f.path && !new RegExp(f.path).test(path)) continue;
      if (f.watch !== undefined && f.watch !== watch) continue;
      if (f.userAgent && !new RegExp(f.userAgent).test(req.headers['user-agent'] ?? '')) continue;
      if (f.left > 0) {
        f.left--;
        if (f.left === 0) this.faults.splice(this.faults.indexOf(f), 1);
      }
      return f;
    }
    return undefined;
  }

  // ---------------------------------------------------------------- lifecycle

  async start(): Promise<string> {
    this.#server = createServer((req, res) => {
      this.#handle(req, res).catch((e: unknown) => {
        if (!res.headersSent)
          this.#error(res, e instanceof HttpError ? e : new HttpError(500, 'InternalError', String(e)));
      });
    });
    this.#server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => this.#server!.listen(this.options.port, this.options.host, resolve));
    return this.url;
  }

  get url(): string {
    const a = this.#server!.address() as AddressInfo;
    return `http://${this.options.host}:${a.port}`;
  }

  async stop() {
    this.sim.stop();
    this.dropWatches();
    await new Promise<void>((resolve) => {
      this.#server?.close(() => resolve());
      this.#server?.closeAllConnections();
    });
  }

  /** A kubeconfig for this server (no credentials: the test server does not authenticate). */
  kubeconfig(namespace = 'default'): string {
    return [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      '- name: flock-test',
      '  cluster:',
      `    server: ${this.url}`,
      // Plain HTTP on loopback; client-node refuses http:// unless TLS verification is off.
      '    insecure-skip-tls-verify: true',
      'users:',
      '- name: flock-test',
      '  user: {}',
      'contexts:',
      '- name: flock-test',
      '  context:',
      '    cluster: flock-test',
      '    user: flock-test',
      `    namespace: ${namespace}`,
      'current-context: flock-test',
      '',
    ].join('\n');
  }

  // ---------------------------------------------------------------- HTTP

  #error(res: ServerResponse, e: HttpError) {
    const body = {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: e.message,
      reason: e.reason,
      ...(e.details ? { details: e.details } : {}),
      code: e.code,
    };
    this.#json(res, e.code, body);
  }

  #json(res: ServerResponse, code: number, body: unknown, headers: Record<string, string> = {}) {
    const text = JSON.stringify(body);
    res.writeHead(code, {
      'Content-Type': 'application/json',
      'Content-Length': Buffer.byteLength(text),
      ...headers,
    });
    res.end(text);
  }

  async #body(req: IncomingMessage): Promise<{ raw: string; value: Obj }> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    if (!raw) return { raw, value: {} };
    try {
      const ct = req.headers['content-type'] ?? '';
      // Apply bodies are YAML, but clients usually send JSON (a subset): try the fast parser first.
      if (!ct.includes('yaml')) return { raw, value: JSON.parse(raw) };
      try {
        return { raw, value: JSON.parse(raw) };
      } catch {
        return { raw, value: parseYaml(raw) };
      }
    } catch (e) {
      throw new HttpError(
        400,
        'BadRequest',
        `the body of the request could not be decoded: ${(e as Error).message}`,
      );
    }
  }

  async #handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const q = url.searchParams;
    const watch = q.get('watch') === 'true' || q.get('watch') === '1' || /\/watch\//.test(path);
    this.requestCounts.set(req.method ?? 'GET', (this.requestCounts.get(req.method ?? 'GET') ?? 0) + 1);

    if (path.startsWith('/_test')) return this.#admin(req, res, path);
    this.requests.push({
      method: req.method ?? 'GET',
      path,
      watch,
      userAgent: req.headers['user-agent'] ?? '',
    });
    if (this.requests.length > 200_000) this.requests.splice(0, 100_000);
    if (path === '/healthz' || path === '/readyz' || path === '/livez') {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end('ok');
      return;
    }

    const isWrite = req.method !== 'GET' && req.method !== 'HEAD';
    if (isWrite) {
      const record: WriteRecord = {
        method: req.method!,
        path,
        userAgent: req.headers['user-agent'] ?? '',
        code: 0,
        at: Date.now(),
      };
      res.on('finish', () => {
        record.code = res.statusCode;
        this.writes.push(record);
        if (this.writes.length > 200_000) this.writes.splice(0, 100_000);
      });
    }

    const fault = this.#fault(req, path, watch);
    if (fault?.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
    if (fault?.status) {
      const reasons: Record<number, string> = {
        409: 'Conflict',
        410: 'Expired',
        429: 'TooManyRequests',
        500: 'InternalError',
        503: 'ServiceUnavailable',
        504: 'Timeout',
      };
      const reason = reasons[fault.status] ?? 'InternalError';
      return this.#error(
        res,
        new HttpError(fault.status, reason, `injected fault: ${reason} (${fault.status})`),
      );
    }

    if (path === '/version')
      return this.#json(res, 200, {
        major: '1',
        minor: '32',
        gitVersion: 'v1.32.0-flock-test',
        platform: 'linux/amd64',
      });
    if (path === '/api')
      return this.#json(res, 200, {
        kind: 'APIVersions',
        versions: ['v1'],
        serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: `${this.options.host}` }],
      });
    if (path === '/apis') return this.#json(res, 200, this.#groupList());
    if (path === '/openapi/v3') return this.#json(res, 200, this.#openApiRoot());
    if (path.startsWith('/openapi/v3/')) {
      const doc = this.#openApiGroupVersion(path.slice('/openapi/v3/'.length));
      if (doc) return this.#json(res, 200, doc);
    }
    if (path.startsWith('/openapi'))
      throw new HttpError(404, 'NotFound', 'the test API server publishes no OpenAPI schemas');

    const segs = path.split('/').filter(Boolean);
    let group: string;
    let version: string;
    let rest: string[];
    if (segs[0] === 'api' && segs.length >= 2) {
      group = '';
      version = segs[1]!;
      rest = segs.slice(2);
    } else if (segs[0] === 'apis' && segs.length >= 2) {
      group = segs[1]!;
      if (segs.length === 2) return this.#json(res, 200, this.#group(group) ?? this.#notFound());
      version = segs[2]!;
      rest = segs.slice(3);
    } else throw new HttpError(404, 'NotFound', 'the server could not find the requested resource');
    if (rest.length === 0) return this.#json(res, 200, this.#resourceList(group, version));
    if (rest[0] === 'watch') rest = rest.slice(1);

    let namespace: string | undefined;
    let plural: string;
    let name: string | undefined;
    let sub: string | undefined;
    if (rest[0] === 'namespaces' && rest.length >= 3 && this.typeOf(group, version, rest[2]!)?.namespaced) {
      namespace = rest[1];
      [plural, name, sub] = [rest[2]!, rest[3], rest[4]];
    } else {
      [plural, name, sub] = [rest[0]!, rest[1], rest[2]];
    }
    const t = this.typeOf(group, version, plural);
    if (!t) throw new HttpError(404, 'NotFound', 'the server could not find the requested resource');
    if (sub && !((sub === 'status' && t.status) || (sub === 'scale' && t.scale))) {
      throw new HttpError(404, 'NotFound', 'the server could not find the requested resource');
    }
    const ns = t.namespaced ? namespace : undefined;

    switch (req.method) {
      case 'GET':
        if (!name && !watch) {
          const ua = req.headers['user-agent'] ?? '';
          this.lists.set(ua, (this.lists.get(ua) ?? 0) + 1);
        }
        if (!name) return watch ? this.#watch(req, res, t, ns, q, path) : this.#list(req, res, t, ns, q);
        return this.#get(req, res, t, ns, name, sub);
      case 'POST': {
        if (name)
          throw new HttpError(
            405,
            'MethodNotAllowed',
            'the server does not allow this method on the requested resource',
          );
        const { value } = await this.#body(req);
        const prepared = this.#admit(t, value, undefined, q, res);
        if (t.status && t.kind !== 'Namespace') delete prepared.status;
        if (q.get('dryRun') === 'All') return this.#json(res, 201, prepared);
        return this.#json(res, 201, this.#create(t, prepared, ns ?? value.metadata?.namespace));
      }
      case 'PUT': {
        if (!name)
          throw new HttpError(
            405,
            'MethodNotAllowed',
            'the server does not allow this method on the requested resource',
          );
        const { value } = await this.#body(req);
        return this.#json(
          res,
          200,
          this.#update(t, ns, name, sub, q, res, () => value, true),
        );
      }
      case 'PATCH': {
        if (!name)
          throw new HttpError(
            405,
            'MethodNotAllowed',
            'the server does not allow this method on the requested resource',
          );
        const { raw, value } = await this.#body(req);
        const ct = (req.headers['content-type'] ?? '').split(';')[0]!.trim();
        if (ct === 'application/apply-patch+yaml') return this.#apply(res, t, ns, name, sub, q, value);
        const patchFn = (cur: Obj) => {
          try {
            if (ct === 'application/merge-patch+json') return mergePatch(cur, value) as Obj;
            if (ct === 'application/json-patch+json') return jsonPatch(cur, JSON.parse(raw)) as Obj;
            if (ct === 'application/strategic-merge-patch+json') {
              if (t.crd)
                throw new HttpError(
                  415,
                  'UnsupportedMediaType',
                  'strategic merge patch is not supported for custom resources',
                );
              return strategicMergePatch(cur, value) as Obj;
            }
          } catch (e) {
            if (e instanceof PatchError)
              throw new HttpError(e.code, e.code === 400 ? 'BadRequest' : 'Invalid', e.message);
            throw e;
          }
          throw new HttpError(
            415,
            'UnsupportedMediaType',
            `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml`,
          );
        };
        return this.#json(res, 200, this.#update(t, ns, name, sub, q, res, patchFn, false));
      }
      case 'DELETE': {
        if (!name)
          throw new HttpError(
            405,
            'MethodNotAllowed',
            'deletecollection is not supported by the test API server',
          );
        const cur = this.#mustGet(t, ns, name);
        const { value } = await this.#body(req);
        const pre = value?.preconditions;
        if (pre?.uid && pre.uid !== cur.metadata.uid)
          throw new HttpError(
            409,
            'Conflict',
            `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${cur.metadata.uid}`,
          );
        if (pre?.resourceVersion && pre.resourceVersion !== cur.metadata.resourceVersion) {
          throw new HttpError(409, 'Conflict', 'Precondition failed: resourceVersion mismatch');
        }
        const gone = this.#delete(t, cur);
        return this.#json(res, 200, gone);
      }
      default:
        throw new HttpError(405, 'MethodNotAllowed', 'method not allowed');
    }
  }

  #notFound(): never {
    throw new HttpError(404, 'NotFound', 'the server could not find the requested resource');
  }

  #mustGet(t: ResourceType, ns: string | undefined, name: string): Obj {
    const o = this.store.get(resKey(t))!.get(objKey(ns, name));
    if (!o) {
      throw new HttpError(404, 'NotFound', `${t.plural}${t.group ? `.${t.group}` : ''} "${name}" not found`, {
        name,
        group: t.group,
        kind: t.plural,
      });
    }
    return o;
  }

  /** Pruning, defaulting and validation of a custom resource, like the apiextensions-apiserver. */
  #admit(t: ResourceType, obj: Obj, old: Obj | undefined, q: URLSearchParams, res: ServerResponse): Obj {
    if (!obj || typeof obj !== 'object' || Array.isArray(obj))
      throw new HttpError(400, 'BadRequest', 'the body must be an object');
    obj.metadata ??= {};
    if (obj.kind && obj.kind !== t.kind)
      throw new HttpError(400, 'BadRequest', `the kind ${obj.kind} does not match the resource ${t.plural}`);
    if (!t.schema) return obj;
    const pruned = t.schema.prune(obj);
    const mode = q.get('fieldValidation') ?? 'Warn';
    if (pruned.length > 0 && mode === 'Strict') {
      throw new HttpError(
        400,
        'BadRequest',
        `strict decoding error: ${pruned.map((p) => `unknown field "${p}"`).join(', ')}`,
      );
    }
    if (pruned.length > 0 && mode === 'Warn') {
      res.setHeader('Warning', pruned.map((p) => `299 - "unknown field \\"${p}\\""`).join(', '));
    }
    t.schema.applyDefaults(obj);
    const causes: Cause[] = t.schema.validate(obj, old);
    if (causes.length > 0) {
      const name = obj.metadata.name ?? '';
      throw new HttpError(422, 'Invalid', invalidMessage(t.kind, t.group, name, causes), {
        name,
        group: t.group,
        kind: t.kind,
        causes: causes.map((c) => ({ reason: c.reason, message: c.message, field: c.field })),
      });
    }
    return obj;
  }

  #scaleOf(t: ResourceType, o: Obj): Obj {
    const s = t.scale!;
    let selector = s.labelSelectorPath ? jsonPath(o, s.labelSelectorPath) : undefined;
    if (t.kind === 'Deployment') {
      selector = Object.entries(o.spec?.selector?.matchLabels ?? {})
        .map(([k, v]) => `${k}=${v}`)
        .join(',');
    }
    return {
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      metadata: {
        name: o.metadata.name,
        namespace: o.metadata.namespace,
        uid: o.metadata.uid,
        resourceVersion: o.metadata.resourceVersion,
        creationTimestamp: o.metadata.creationTimestamp,
      },
      spec: { replicas: jsonPath(o, s.specReplicasPath) ?? 0 },
      status: { replicas: jsonPath(o, s.statusReplicasPath) ?? 0, ...(selector ? { selector } : {}) },
    };
  }

  #update(
    t: ResourceType,
    ns: string | undefined,
    name: string,
    sub: string | undefined,
    q: URLSearchParams,
    res: ServerResponse,
    change: (cur: Obj) => Obj,
    isPut: boolean,
  ): Obj {
    const cur = this.#mustGet(t, ns, name);
    const conflict = () =>
      new HttpError(
        409,
        'Conflict',
        `Operation cannot be fulfilled on ${t.plural}${t.group ? `.${t.group}` : ''} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
        { name, group: t.group, kind: t.plural },
      );
    if (sub === 'scale') {
      const scale = change(this.#scaleOf(t, cur));
      const rv = scale.metadata?.resourceVersion;
      if (rv && rv !== cur.metadata.resourceVersion) throw conflict();
      const replicas = scale.spec?.replicas;
      if (!Number.isInteger(replicas) || replicas < 0) {
        throw new HttpError(
          422,
          'Invalid',
          `Scale.autoscaling "${name}" is invalid: spec.replicas: Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`,
        );
      }
      const next = structuredClone(cur);
      setPath(next, t.scale!.specReplicasPath, replicas);
      const admitted = this.#admit(t, next, cur, q, res);
      const saved = q.get('dryRun') === 'All' ? admitted : this.#put(t, admitted, cur);
      return this.#scaleOf(t, saved);
    }
    let next = change(structuredClone(cur));
    if (!next || typeof next !== 'object')
      throw new HttpError(400, 'BadRequest', 'the body must be an object');
    next.metadata ??= {};
    if (isPut) {
      if (!next.metadata.resourceVersion) {
        throw new HttpError(
          422,
          'Invalid',
          `${t.kind} "${name}" is invalid: metadata.resourceVersion: Invalid value: 0: must be specified for an update`,
        );
      }
    }
    if (next.metadata.resourceVersion && next.metadata.resourceVersion !== cur.metadata.resourceVersion)
      throw conflict();
    if (next.metadata.name && next.metadata.name !== name)
      throw new HttpError(400, 'BadRequest', 'the name of the object does not match the name on the URL');
    if (next.metadata.uid && next.metadata.uid !== cur.metadata.uid)
      throw new HttpError(409, 'Conflict', 'Precondition failed: UID mismatch');
    if (sub === 'status') {
      // The status subresource changes status only.
      next = { ...structuredClone(cur), status: next.status };
    } else if (t.status && t.kind !== 'Namespace') {
      next.status = structuredClone(cur.status);
    }
    next = this.#admit(t, next, cur, q, res);
    if (q.get('dryRun') === 'All') return next;
    return this.#put(t, next, cur);
  }

  #apply(
    res: ServerResponse,
    t: ResourceType,
    ns: string | undefined,
    name: string,
    sub: string | undefined,
    q: URLSearchParams,
    applied: Obj,
  ) {
    const manager = q.get('fieldManager');
    if (!manager)
      throw new HttpError(
        422,
        'Invalid',
        'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
      );
    if (sub === 'scale')
      throw new HttpError(
        415,
        'UnsupportedMediaType',
        'apply is not supported on the scale subresource by the test API server',
      );
    if (applied.apiVersion !== gv(t) || applied.kind !== t.kind) {
      throw new HttpError(400, 'BadRequest', `apply: apiVersion and kind must be ${gv(t)} ${t.kind}`);
    }
    if (applied.metadata?.name && applied.metadata.name !== name)
      throw new HttpError(400, 'BadRequest', 'the name of the object does not match the name on the URL');
    const cur = this.store.get(resKey(t))!.get(objKey(ns, name));
    const config = structuredClone(applied);
    if (!cur) {
      if (sub === 'status') this.#mustGet(t, ns, name);
      const obj = this.#admit(t, structuredClone(applied), undefined, q, res);
      if (t.status) delete obj.status;
      obj.metadata.managedFields = [
        {
          manager,
          operation: 'Apply',
          apiVersion: gv(t),
          time: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
          fieldsType: 'FieldsV1',
          fieldsV1: {},
        },
      ];
      if (q.get('dryRun') === 'All') return this.#json(res, 201, obj);
      const created = this.#create(t, obj, ns);
      this.#applied.set(`${created.metadata.uid}|${manager}|${sub ?? ''}`, config);
      return this.#json(res, 201, created);
    }
    if (
      applied.metadata?.resourceVersion &&
      applied.metadata.resourceVersion !== cur.metadata.resourceVersion
    ) {
      throw new HttpError(
        409,
        'Conflict',
        `Operation cannot be fulfilled on ${t.plural} "${name}": the object has been modified`,
      );
    }
    const key = `${cur.metadata.uid}|${manager}|${sub ?? ''}`;
    const prev = this.#applied.get(key) ?? {};
    const strip = (o: Obj) => {
      const c = structuredClone(o);
      delete c.metadata?.resourceVersion;
      return c;
    };
    let next = serverSideApply(structuredClone(cur), strip(prev), strip(applied)) as Obj;
    if (sub === 'status') next = { ...structuredClone(cur), status: next.status };
    else if (t.status) next.status = structuredClone(cur.status);
    next.metadata.managedFields = (cur.metadata.managedFields ?? []).filter(
      (f: Obj) => f.manager !== manager,
    );
    const oldEntry = (cur.metadata.managedFields ?? []).find((f: Obj) => f.manager === manager);
    next.metadata.managedFields.push(
      oldEntry ?? {
        manager,
        operation: 'Apply',
        apiVersion: gv(t),
        time: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
        fieldsType: 'FieldsV1',
        fieldsV1: {},
      },
    );
    next = this.#admit(t, next, cur, q, res);
    if (q.get('dryRun') === 'All') return this.#json(res, 200, next);
    const saved = this.#put(t, next, cur);
    this.#applied.set(key, config);
    return this.#json(res, 200, saved);
  }

  #get(
    req: IncomingMessage,
    res: ServerResponse,
    t: ResourceType,
    ns: string | undefined,
    name: string,
    sub?: string,
  ) {
    const o = this.#mustGet(t, ns, name);
    if (sub === 'scale') return this.#json(res, 200, this.#scaleOf(t, o));
    if (this.#wantsTable(req)) return this.#json(res, 200, this.#table(t, [o], o.metadata.resourceVersion));
    return this.#json(res, 200, o);
  }

  #selectors(q: URLSearchParams) {
    try {
      return {
        labels: parseLabelSelector(q.get('labelSelector')),
        fields: parseFieldSelector(q.get('fieldSelector')),
      };
    } catch (e) {
      if (e instanceof SelectorError) throw new HttpError(400, 'BadRequest', e.message);
      throw e;
    }
  }

  #list(
    req: IncomingMessage,
    res: ServerResponse,
    t: ResourceType,
    ns: string | undefined,
    q: URLSearchParams,
  ) {
    const { labels, fields } = this.#selectors(q);
    const items = this.list(t, ns)
      .filter(
        (o) =>
          matchLabels(labels, o.metadata.labels) && matchFields(fields, o as { metadata: { name: string } }),
      )
      .sort((a, b) =>
        objKey(a.metadata.namespace, a.metadata.name) < objKey(b.metadata.namespace, b.metadata.name)
          ? -1
          : 1,
      );
    const rv = String(this.#rv);
    if (this.#wantsTable(req)) return this.#json(res, 200, this.#table(t, items, rv));
    return this.#json(res, 200, {
      kind: t.listKind,
      apiVersion: gv(t),
      metadata: { resourceVersion: rv },
      items,
    });
  }

  #watch(
    req: IncomingMessage,
    res: ServerResponse,
    t: ResourceType,
    ns: string | undefined,
    q: URLSearchParams,
    path: string,
  ) {
    const { labels, fields } = this.#selectors(q);
    const w: Watcher = { type: t, namespace: ns, labels, fields, res, path, table: this.#wantsTable(req) };
    res.writeHead(200, {
      'Content-Type': 'application/json',
      'Transfer-Encoding': 'chunked',
      'Cache-Control': 'no-cache',
    });
    res.flushHeaders();
    const rvParam = q.get('resourceVersion');
    if (!rvParam || rvParam === '0') {
      for (const o of this.list(t, ns)) if (this.#matches(w, o)) res.write(this.#watchEvent(w, 'ADDED', o));
    } else {
      const from = Number(rvParam);
      if (!Number.isFinite(from) || from < this.#oldestRv) {
        const status = {
          kind: 'Status',
          apiVersion: 'v1',
          metadata: {},
          status: 'Failure',
          message: `too old resource version: ${rvParam} (${this.#oldestRv})`,
          reason: 'Expired',
          code: 410,
        };
        res.end(`${JSON.stringify({ type: 'ERROR', object: status })}\n`);
        return;
      }
      for (const e of this.history) if (e.rv > from) this.#deliver(w, e);
    }
    this.#watchers.add(w);
    const timeout = Number(q.get('timeoutSeconds') ?? 0);
    const finish = () => {
      this.#watchers.delete(w);
      if (w.timer) clearTimeout(w.timer);
      if (!res.writableEnded) res.end();
    };
    if (timeout > 0) w.timer = setTimeout(finish, timeout * 1000);
    req.on('close', finish);
  }

  #wantsTable(req: IncomingMessage): boolean {
    return /as=Table/.test(req.headers.accept ?? '');
  }

  #table(t: ResourceType, items: Obj[], rv: string): Obj {
    const columns: Array<PrinterColumn & { cell?: (o: Obj) => unknown }> = [
      {
        name: 'Name',
        type: 'string',
        format: 'name',
        jsonPath: '.metadata.name',
        description: 'Name of the object',
      },
    ];
    if (t.columns) {
      columns.push(...t.columns);
    } else if (t.kind === 'Deployment') {
      columns.push(
        {
          name: 'Ready',
          type: 'string',
          jsonPath: '',
          cell: (o) => `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 0}`,
        },
        { name: 'Up-to-date', type: 'integer', jsonPath: '.status.updatedReplicas' },
        { name: 'Available', type: 'integer', jsonPath: '.status.availableReplicas' },
        { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
      );
    } else if (t.kind === 'Pod') {
      columns.push(
        {
          name: 'Ready',
          type: 'string',
          jsonPath: '',
          cell: (o) => {
            const cs = (o.status?.containerStatuses ?? []) as Obj[];
            return `${cs.filter((c) => c.ready).length}/${(o.spec?.containers ?? []).length}`;
          },
        },
        {
          name: 'Status',
          type: 'string',
          jsonPath: '',
          cell: (o) =>
            (o.status?.containerStatuses ?? []).map((c: Obj) => c.state?.waiting?.reason).find(Boolean) ??
            o.status?.phase ??
            'Pending',
        },
        { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
      );
    } else {
      columns.push({ name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' });
    }
    return {
      kind: 'Table',
      apiVersion: 'meta.k8s.io/v1',
      metadata: { resourceVersion: rv },
      columnDefinitions: columns.map((c) => ({
        name: c.name,
        type: c.type === 'date' ? 'string' : c.type,
        format: c.format ?? '',
        description: c.description ?? '',
        priority: c.priority ?? 0,
      })),
      rows: items.map((o) => ({
        cells: columns.map((c) => {
          const v = c.cell ? c.cell(o) : jsonPath(o, c.jsonPath);
          if (c.type === 'date') return age(v as string | undefined);
          return v ?? (c.type === 'integer' || c.type === 'number' ? null : '');
        }),
        object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata },
      })),
    };
  }

  #openApiRoot(): Obj {
    const paths: Obj = {};
    for (const t of this.types.values()) {
      const p = t.group ? `apis/${t.group}/${t.version}` : `api/${t.version}`;
      paths[p] = { serverRelativeURL: `/openapi/v3/${p}?hash=${this.#rv}` };
    }
    return { paths };
  }

  /**
   * Just enough OpenAPI v3 per group-version for kubectl to learn that the server validates fields itself
   * (the fieldValidation parameter), so it sends `fieldValidation=Strict` instead of validating on the client.
   */
  #openApiGroupVersion(p: string): Obj | undefined {
    const types = [...this.types.values()].filter(
      (t) => (t.group ? `apis/${t.group}/${t.version}` : `api/${t.version}`) === p,
    );
    if (types.length === 0) return undefined;
    const paths: Obj = {};
    for (const t of types) {
      const base = `/${p}${t.namespaced ? '/namespaces/{namespace}' : ''}/${t.plural}/{name}`;
      paths[base] = {
        patch: {
          'x-kubernetes-group-version-kind': { group: t.group, version: t.version, kind: t.kind },
          parameters: [
            { name: 'fieldValidation', in: 'query', schema: { type: 'string', uniqueItems: true } },
          ],
          responses: {},
        },
      };
    }
    return {
      openapi: '3.0.0',
      info: { title: 'Kubernetes', version: 'v1.32.0' },
      paths,
      components: { schemas: {} },
    };
  }

  #groupList(): Obj {
    const groups = new Map<string, Set<string>>();
    for (const t of this.types.values()) {
      if (!t.group) continue;
      if (!groups.has(t.group)) groups.set(t.group, new Set());
      groups.get(t.group)!.add(t.version);
    }
    return {
      kind: 'APIGroupList',
      apiVersion: 'v1',
      groups: [...groups.entries()].map(([name, versions]) => this.#groupEntry(name, versions)),
    };
  }

  #groupEntry(name: string, versions: Set<string>): Obj {
    const vs = [...versions].map((v) => ({ groupVersion: `${name}/${v}`, version: v }));
    return { name, versions: vs, preferredVersion: vs[0] };
  }

  #group(name: string): Obj | undefined {
    const versions = new Set([...this.types.values()].filter((t) => t.group === name).map((t) => t.version));
    return versions.size
      ? { kind: 'APIGroup', apiVersion: 'v1', ...this.#groupEntry(name, versions) }
      : undefined;
  }

  #resourceList(group: string, version: string): Obj {
    const types = [...this.types.values()].filter((t) => t.group === group && t.version === version);
    if (types.length === 0) this.#notFound();
    const resources: Obj[] = [];
    for (const t of types) {
      resources.push({
        name: t.plural,
        singularName: t.singular,
        namespaced: t.namespaced,
        kind: t.kind,
        verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
        ...(t.shortNames.length ? { shortNames: t.shortNames } : {}),
        ...(t.categories.length ? { categories: t.categories } : {}),
      });
      if (t.status)
        resources.push({
          name: `${t.plural}/status`,
          singularName: '',
          namespaced: t.namespaced,
          kind: t.kind,
          verbs: ['get', 'patch', 'update'],
        });
      if (t.scale) {
        resources.push({
          name: `${t.plural}/scale`,
          singularName: '',
          namespaced: t.namespaced,
          group: 'autoscaling',
          version: 'v1',
          kind: 'Scale',
          verbs: ['get', 'patch', 'update'],
        });
      }
    }
    return {
      kind: 'APIResourceList',
      apiVersion: 'v1',
      groupVersion: group ? `${group}/${version}` : version,
      resources,
    };
  }

  // ---------------------------------------------------------------- admin (fault injection, simulation)

  async #admin(req: IncomingMessage, res: ServerResponse, path: string) {
    const body = req.method === 'GET' ? {} : (await this.#body(req)).value;
    const ok = (extra: Obj = {}) => this.#json(res, 200, { ok: true, ...extra });
    switch (`${req.method} ${path}`) {
      case 'POST /_test/faults':
        return ok({ id: this.addFault(body as FaultRule) });
      case 'DELETE /_test/faults':
        this.clearFaults();
        return ok();
      case 'POST /_test/watches/drop':
        return ok({ dropped: this.dropWatches(body.path) });
      case 'POST /_test/compact':
        this.compact();
        return ok({ dropped: body.drop ? this.dropWatches() : 0 });
      case 'POST /_test/pod-failures':
        this.sim.addFailure(body as PodFailureRule);
        return ok();
      case 'DELETE /_test/pod-failures':
        this.sim.clearFailures();
        return ok();
      case 'POST /_test/readiness':
        if (typeof body.delayMs === 'number') this.sim.delayMs = body.delayMs;
        if (typeof body.paused === 'boolean') this.sim.setPaused(body.paused);
        return ok();
      case 'POST /_test/prometheus-operator':
        if (body.installed) this.installPrometheusOperatorCrds();
        else this.uninstallPrometheusOperatorCrds();
        return ok();
      case 'GET /_test/stats':
        return this.#json(res, 200, {
          writes: this.writes,
          openWatches: this.openWatches,
          resourceVersion: this.#rv,
        });
      default:
        throw new HttpError(404, 'NotFound', `no admin endpoint ${req.method} ${path}`);
    }
  }
}

export function prometheusCrd(kind: string, plural: string): Obj {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.monitoring.coreos.com` },
    spec: {
      group: 'monitoring.coreos.com',
      scope: 'Namespaced',
      names: {
        kind,
        listKind: `${kind}List`,
        plural,
        singular: kind.toLowerCase(),
        categories: ['prometheus-operator'],
      },
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: {
                apiVersion: { type: 'string' },
                kind: { type: 'string' },
                metadata: { type: 'object' },
                spec: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
              },
              required: ['spec'],
            },
          },
        },
      ],
    },
  };
}
