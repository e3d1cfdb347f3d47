/**
 * A small Kubernetes REST client over the kubeconfig handling of @kubernetes/client-node: generic
 * get/list/apply/delete/status/scale for the kinds in kube.ts, server-side apply with a field manager,
 * and errors carrying the API's Status (code, reason, message).
 */
import { type HttpMethod, type KubeConfig, RequestContext } from '@kubernetes/client-node';
import { fetch, type RequestInit, type Response } from 'undici';
import { FIELD_MANAGER } from './builders.ts';
import { ApiError, apiVersionOf, type KObject, pathFor, resource } from './kube.ts';
import type { EventInput } from './reconciler.ts';

export interface RequestOptions {
  query?: Record<string, string | undefined>;
  body?: unknown;
  contentType?: string;
  signal?: AbortSignal;
}

export interface KubeClientOptions {
  userAgent?: string;
  fieldManager?: string;
  /** Called after every request (for metrics). */
  onResponse?: (method: string, code: number) => void;
  /** How long a discovery answer (hasKind) is trusted. */
  discoveryTtlMs?: number;
  timeoutMs?: number;
}

export class KubeClient {
  readonly kc: KubeConfig;
  readonly fieldManager: string;
  readonly #userAgent: string;
  readonly #onResponse?: (method: string, code: number) => void;
  readonly #discovery = new Map<string, { at: number; kinds: Set<string> | null }>();
  readonly #discoveryTtlMs: number;
  readonly #timeoutMs: number;
  readonly #recentEvents = new Map<string, { at: number; count: number; name: string }>();
  /** One connection pool (TLS settings from the kubeconfig) for every request: keep-alive, no reconnects. */
  #dispatcher?: unknown;
  #watchConfig?: KubeConfig;

  constructor(kc: KubeConfig, options: KubeClientOptions = {}) {
    this.kc = kc;
    this.fieldManager = options.fieldManager ?? FIELD_MANAGER;
    this.#userAgent = options.userAgent ?? 'flock-operator';
    this.#onResponse = options.onResponse;
    this.#discoveryTtlMs = options.discoveryTtlMs ?? 30_000;
    this.#timeoutMs = options.timeoutMs ?? 30_000;
  }

  /**
   * The kubeconfig for client-node's Watch, whose requests then carry this client's User-Agent too
   * (so the API server's audit log, and the test server's request log, attribute watches correctly).
   */
  get watchConfig(): KubeConfig {
    if (!this.#watchConfig) {
      const kc = Object.create(this.kc) as KubeConfig;
      const userAgent = this.#userAgent;
      kc.applySecurityAuthentication = async (ctx: RequestContext) => {
        await this.kc.applySecurityAuthentication(ctx);
        ctx.setHeaderParam('User-Agent', userAgent);
      };
      this.#watchConfig = kc;
    }
    return this.#watchConfig;
  }

  get server(): string {
    const cluster = this.kc.getCurrentCluster();
    if (!cluster) throw new Error('the kubeconfig has no current cluster');
    return cluster.server.replace(/\/+$/, '');
  }

  async request<T = unknown>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const url = new URL(this.server + path);
    for (const [k, v] of Object.entries(options.query ?? {}))
      if (v !== undefined && v !== '') url.searchParams.set(k, v);
    const ctx = new RequestContext(url.toString(), method as HttpMethod);
    await this.kc.applySecurityAuthentication(ctx);
    const headers: Record<string, string> = {
      ...ctx.getHeaders(),
      Accept: 'application/json',
      'User-Agent': this.#userAgent,
    };
    let body: string | undefined;
    if (options.body !== undefined) {
      headers['Content-Type'] = options.contentType ?? 'application/json';
      body = JSON.stringify(options.body);
    }
    this.#dispatcher ??= ctx.getDispatcher();
    const dispatcher = this.#dispatcher;
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers,
        body,
        signal: options.signal ?? AbortSignal.timeout(this.#timeoutMs),
        ...(dispatcher ? { dispatcher } : {}),
      } as unknown as RequestInit);
    } catch (e) {
      this.#onResponse?.(method, 0);
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      throw new ApiError(
        0,
        'ConnectionFailed',
        `cannot reach the Kubernetes API at ${this.server}: ${cause?.code ?? cause?.message ?? (e as Error).message}`,
      );
    }
    this.#onResponse?.(method, response.status);
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = text;
    }
    if (!response.ok) {
      const status = parsed as { message?: string; reason?: string } | undefined;
      throw new ApiError(
        response.status,
        status?.reason ?? response.statusText,
        status?.message ?? `${method} ${path}: ${response.status} ${response.statusText}`,
        parsed,
      );
    }
    return parsed as T;
  }

  async get(
    kind: string,
    namespace: string | undefined,
    name: string,
    signal?: AbortSignal,
  ): Promise<KObject | undefined> {
    try {
      return await this.request<KObject>('GET', pathFor(kind, namespace, name), { signal });
    } catch (e) {
      if (e instanceof ApiError && e.code === 404) return undefined;
      throw e;
    }
  }

  async list(
    kind: string,
    namespace?: string,
    labelSelector?: string,
  ): Promise<{ items: KObject[]; resourceVersion: string }> {
    const r = resource(kind);
    const list = await this.request<{ items: KObject[]; metadata: { resourceVersion: string } }>(
      'GET',
      pathFor(kind, namespace),
      {
        query: { labelSelector },
      },
    );
    // Items of a list carry no apiVersion/kind on a real API server.
    for (const item of list.items) {
      item.apiVersion = apiVersionOf(r);
      item.kind = r.kind;
    }
    return { items: list.items, resourceVersion: list.metadata.resourceVersion };
  }

  /** Server-side apply with the field manager; force takes the fields over from other managers. */
  async apply(obj: KObject, force = true): Promise<KObject> {
    return this.request<KObject>('PATCH', pathFor(obj.kind, obj.metadata.namespace, obj.metadata.name), {
      query: { fieldManager: this.fieldManager, force: String(force) },
      body: obj,
      contentType: 'application/apply-patch+yaml',
    });
  }

  async create(obj: KObject, signal?: AbortSignal): Promise<KObject> {
    return this.request<KObject>('POST', pathFor(obj.kind, obj.metadata.namespace), {
      signal,
      body: obj,
      query: { fieldManager: this.fieldManager },
    });
  }

  async replace(obj: KObject, signal?: AbortSignal): Promise<KObject> {
    return this.request<KObject>('PUT', pathFor(obj.kind, obj.metadata.namespace, obj.metadata.name), {
      signal,
      body: obj,
      query: { fieldManager: this.fieldManager },
    });
  }

  async mergePatch(
    kind: string,
    namespace: string | undefined,
    name: string,
    patch: unknown,
    sub?: string,
  ): Promise<KObject> {
    return this.request<KObject>('PATCH', pathFor(kind, namespace, name, sub), {
      body: patch,
      contentType: 'application/merge-patch+json',
      query: { fieldManager: this.fieldManager },
    });
  }

  async delete(kind: string, namespace: string | undefined, name: string): Promise<void> {
    try {
      await this.request('DELETE', pathFor(kind, namespace, name), {
        body: { propagationPolicy: 'Background' },
      });
    } catch (e) {
      if (!(e instanceof ApiError && e.code === 404)) throw e;
    }
  }

  async updateStatus(obj: KObject): Promise<KObject> {
    return this.request<KObject>(
      'PUT',
      pathFor(obj.kind, obj.metadata.namespace, obj.metadata.name, 'status'),
      {
        body: obj,
        query: { fieldManager: this.fieldManager },
      },
    );
  }

  /** Whether the API serves `kind` (discovery of its group-version, cached for a while). */
  async hasKind(kind: string): Promise<boolean> {
    const r = resource(kind);
    const gv = apiVersionOf(r);
    const cached = this.#discovery.get(gv);
    if (cached && Date.now() - cached.at < this.#discoveryTtlMs) return cached.kinds?.has(r.kind) ?? false;
    let kinds: Set<string> | null = null;
    try {
      const list = await this.request<{ resources: Array<{ name: string; kind: string }> }>(
        'GET',
        r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`,
      );
      kinds = new Set(list.resources.filter((x) => !x.name.includes('/')).map((x) => x.kind));
    } catch (e) {
      if (!(e instanceof ApiError && e.code === 404)) throw e;
    }
    this.#discovery.set(gv, { at: Date.now(), kinds });
    return kinds?.has(r.kind) ?? false;
  }

  forgetDiscovery() {
    this.#discovery.clear();
  }

  /**
   * Records a core/v1 Event about `regarding`. Like client-go's recorder, a repeat of the same event
   * within 10 minutes bumps `count` and `lastTimestamp` on the existing Event instead of creating one.
   */
  async event(regarding: KObject, e: EventInput, component = 'flock-operator'): Promise<void> {
    const key = `${regarding.metadata.uid}|${e.type}|${e.reason}|${e.message}`;
    const now = Date.now();
    const ts = new Date(now).toISOString().replace(/\.\d+Z$/, 'Z');
    const namespace = regarding.metadata.namespace ?? 'default';
    const last = this.#recentEvents.get(key);
    if (last && now - last.at < 600_000) {
      last.at = now;
      last.count++;
      try {
        await this.mergePatch('Event', namespace, last.name, { count: last.count, lastTimestamp: ts });
        return;
      } catch (err) {
        if (!(err instanceof ApiError && err.code === 404)) throw err;
      }
    }
    if (this.#recentEvents.size > 10_000) {
      for (const [k, v] of this.#recentEvents) if (now - v.at > 600_000) this.#recentEvents.delete(k);
    }
    const name = `${regarding.metadata.name}.${now.toString(16)}${Math.floor(Math.random() * 0xfff).toString(16)}`;
    this.#recentEvents.set(key, { at: now, count: 1, name });
    await this.create({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace },
      involvedObject: {
        apiVersion: regarding.apiVersion,
        kind: regarding.kind,
        name: regarding.metadata.name,
        namespace: regarding.metadata.namespace,
        uid: regarding.metadata.uid,
        resourceVersion: regarding.metadata.resourceVersion,
      },
      reason: e.reason,
      message: e.message.slice(0, 1024),
      type: e.type,
      source: { component },
      reportingComponent: component,
      reportingInstance: this.#userAgent,
      firstTimestamp: ts,
      lastTimestamp: ts,
      count: 1,
    });
  }
}
