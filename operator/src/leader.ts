/**
 * Leader election on a coordination.k8s.io/v1 Lease, as client-go's leaderelection does it: acquire
 * when the lease is free or expired (judged by when this process last saw the record change, not by
 * the holder's clock), renew every retry period, and give up leadership when renewing keeps failing
 * for longer than the renew deadline. Each attempt is bounded by what remains of that deadline, so a
 * hanging request cannot keep a leader leading past it while a standby takes the lease (the lease
 * duration is longer than the renew deadline). Writes use resourceVersion, so two candidates never
 * both win.
 */
import type { KubeClient } from './client.ts';
import { ApiError, type KObject } from './kube.ts';

export interface LeaderElectionOptions {
  namespace: string;
  name: string;
  identity: string;
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
  onStartedLeading: () => void;
  onStoppedLeading: () => void;
  onError?: (err: unknown) => void;
}

interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

const microTime = (d = new Date()) => d.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');

export class LeaderElector {
  readonly #client: KubeClient;
  readonly #options: LeaderElectionOptions;
  #leading = false;
  #stopped = false;
  #timer?: NodeJS.Timeout;
  #observed?: { record: string; at: number };
  #lastRenew = 0;

  constructor(client: KubeClient, options: LeaderElectionOptions) {
    this.#client = client;
    this.#options = options;
  }

  get isLeader(): boolean {
    return this.#leading;
  }

  start() {
    this.#stopped = false;
    void this.#tick();
  }

  async #tick() {
    if (this.#stopped) return;
    const started = Date.now();
    const deadline = this.#leading
      ? this.#lastRenew + this.#options.renewDeadlineMs
      : started + this.#options.renewDeadlineMs;
    let ok = false;
    try {
      ok = await this.tryAcquireOrRenew(AbortSignal.timeout(Math.max(0, deadline - started)));
    } catch (e) {
      this.#options.onError?.(e);
    }
    if (this.#stopped) return;
    const now = Date.now();
    if (ok) {
      this.#lastRenew = started;
      if (!this.#leading) {
        this.#leading = true;
        this.#options.onStartedLeading();
      }
    } else if (this.#leading && now >= deadline) {
      this.#leading = false;
      this.#options.onStoppedLeading();
    }
    this.#timer = setTimeout(() => void this.#tick(), this.#options.retryPeriodMs);
  }

  /** One attempt; true when this process holds the lease afterwards. */
  async tryAcquireOrRenew(signal?: AbortSignal): Promise<boolean> {
    const { namespace, name, identity } = this.#options;
    const now = new Date();
    const lease = await this.#client.get('Lease', namespace, name, signal);
    const desired: LeaseSpec = {
      holderIdentity: identity,
      leaseDurationSeconds: Math.ceil(this.#options.leaseDurationMs / 1000),
      acquireTime: microTime(now),
      renewTime: microTime(now),
      leaseTransitions: 0,
    };
    if (!lease) {
      try {
        await this.#client.create(
          {
            apiVersion: 'coordination.k8s.io/v1',
            kind: 'Lease',
            metadata: { name, namespace },
            spec: desired,
          },
          signal,
        );
        return true;
      } catch (e) {
        if (e instanceof ApiError && e.code === 409) return false;
        throw e;
      }
    }
    const spec = (lease.spec ?? {}) as LeaseSpec;
    const record = JSON.stringify(spec);
    if (this.#observed?.record !== record) this.#observed = { record, at: Date.now() };
    const holder = spec.holderIdentity ?? '';
    const durationMs = (spec.leaseDurationSeconds ?? 0) * 1000;
    const expired = this.#observed.at + durationMs <= Date.now();
    if (holder && holder !== identity && !expired) return false;
    const next: LeaseSpec =
      holder === identity
        ? { ...spec, renewTime: microTime(now), leaseDurationSeconds: desired.leaseDurationSeconds }
        : { ...desired, leaseTransitions: (spec.leaseTransitions ?? 0) + 1 };
    try {
      const updated = await this.#client.replace({ ...lease, spec: next } as KObject, signal);
      this.#observed = { record: JSON.stringify(updated.spec ?? {}), at: Date.now() };
      return true;
    } catch (e) {
      if (e instanceof ApiError && e.code === 409) return false;
      throw e;
    }
  }

  /** Stops campaigning; if leading, hands the lease back so another candidate can take it at once. */
  async release(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    if (!this.#leading) return;
    this.#leading = false;
    const lease = await this.#client.get('Lease', this.#options.namespace, this.#options.name);
    const spec = (lease?.spec ?? {}) as LeaseSpec;
    if (!lease || spec.holderIdentity !== this.#options.identity) return;
    await this.#client
      .replace({
        ...lease,
        spec: { ...spec, holderIdentity: '', leaseDurationSeconds: 1, renewTime: microTime() },
      } as KObject)
      .catch(() => undefined);
  }
}
