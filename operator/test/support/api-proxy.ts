/**
 * A small fault-injecting proxy in front of a real API server, for the black-box specs: the operator
 * talks plain HTTP to it on 127.0.0.1 with its own token, and it forwards every request over TLS to the
 * real server. It records each request (method, path, User-Agent, status), and on cue adds delays,
 * answers with an error status instead of forwarding, drops open watches, or ends them with the
 * `410 Expired` event a real server sends when a watch's resourceVersion has been compacted away.
 * Everything else — storage, validation, admission, RBAC, garbage collection — is the real server's.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Agent, request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export interface ProxiedRequest {
  method: string;
  path: string;
  /** The query string (without `?`). */
  query: string;
  watch: boolean;
  userAgent: string;
  /** The status the client received (0 when the upstream could not be reached). */
  code: number;
  at: number;
}

export interface Fault {
  method?: string;
  /** A regular expression matched against the path (without the query). */
  path: string;
  /** Only requests whose User-Agent starts with this. */
  userAgent?: string;
  /** Only watches (true) or only plain requests (false); both when unset. */
  watch?: boolean;
  /** Answer with this status and a Kubernetes Status body instead of forwarding. */
  status?: number;
  /** Hold the request this long before forwarding (or answering). */
  delayMs?: number;
  /** How many requests it hits; 0 for every one until cleared. */
  times: number;
}

interface OpenWatch {
  path: string;
  response: ServerResponse;
  upstream?: IncomingMessage;
}

const isWatch = (url: URL) => ['true', '1'].includes(url.searchParams.get('watch') ?? '');
const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function statusBody(code: number, reason: string, message: string) {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
}

export class ApiProxy {
  readonly requests: ProxiedRequest[] = [];
  faults: Array<Fault & { hits: number }> = [];
  readonly #upstream: URL;
  readonly #agent: Agent;
  readonly #watches = new Set<OpenWatch>();
  #server?: Server;

  constructor(upstream: string, ca?: Buffer) {
    this.#upstream = new URL(upstream);
    this.#agent = new Agent({ keepAlive: true, ca });
  }

  get url(): string {
    const { port } = this.#server!.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  get openWatches(): number {
    return this.#watches.size;
  }

  async start(): Promise<void> {
    this.#server = createServer((request, response) => void this.#handle(request, response));
    await new Promise<void>((resolve) => this.#server!.listen(0, '127.0.0.1', resolve));
  }

  async stop(): Promise<void> {
    for (const watch of this.#watches) watch.response.destroy();
    this.#server?.closeAllConnections();
    await new Promise((resolve) => this.#server?.close(resolve) ?? resolve(undefined));
    this.#agent.destroy();
  }

  addFault(fault: Fault) {
    this.faults.push({ ...fault, hits: 0 });
  }

  clearFaults() {
    this.faults = [];
  }

  /** Cuts open watches (all, or those whose path matches); returns how many. */
  dropWatches(path?: string): number {
    return this.#endWatches(path, (watch) => watch.response.destroy());
  }

  /** Ends open watches with `410 Expired`, as after a compaction; returns how many. */
  expireWatches(path?: string): number {
    const event = {
      type: 'ERROR',
      object: statusBody(410, 'Expired', 'too old resource version (injected by the test proxy)'),
    };
    return this.#endWatches(path, (watch) => watch.response.end(`${JSON.stringify(event)}\n`));
  }

  /** Writes (POST, PUT, PATCH, DELETE) of clients whose User-Agent starts with the prefix. */
  writesBy(userAgentPrefix: string): ProxiedRequest[] {
    return this.requests.filter((r) => WRITES.has(r.method) && r.userAgent.startsWith(userAgentPrefix));
  }

  /** Lists (GETs of a collection, not watches) of one client. */
  listsBy(userAgentPrefix: string): number {
    return this.requests.filter(
      (r) =>
        r.method === 'GET' &&
        !r.watch &&
        r.userAgent.startsWith(userAgentPrefix) &&
        /\/(botswarms|deployments|services|pods)$/.test(r.path),
    ).length;
  }

  #endWatches(path: string | undefined, end: (watch: OpenWatch) => void): number {
    let count = 0;
    for (const watch of [...this.#watches]) {
      if (path && !new RegExp(path).test(watch.path)) continue;
      this.#watches.delete(watch);
      watch.upstream?.destroy();
      end(watch);
      count += 1;
    }
    return count;
  }

  #matchFault(method: string, path: string, watch: boolean, userAgent: string) {
    const fault = this.faults.find(
      (f) =>
        (!f.method || f.method === method) &&
        (f.watch === undefined || f.watch === watch) &&
        (!f.userAgent || userAgent.startsWith(f.userAgent)) &&
        new RegExp(f.path).test(path),
    );
    if (!fault) return undefined;
    fault.hits += 1;
    if (fault.times > 0 && fault.hits >= fault.times) this.faults = this.faults.filter((f) => f !== fault);
    return fault;
  }

  async #handle(request: IncomingMessage, response: ServerResponse) {
    const url = new URL(request.url ?? '/', this.#upstream);
    const watch = isWatch(url);
    const entry: ProxiedRequest = {
      method: request.method ?? 'GET',
      path: url.pathname,
      query: url.search.slice(1),
      watch,
      userAgent: String(request.headers['user-agent'] ?? ''),
      code: 0,
      at: Date.now(),
    };
    this.requests.push(entry);
    response.on('finish', () => {
      entry.code ||= response.statusCode;
    });
    const fault = this.#matchFault(entry.method, entry.path, watch, entry.userAgent);
    if (fault?.delayMs) await sleep(fault.delayMs);
    if (fault?.status) {
      request.resume();
      entry.code = fault.status;
      response.writeHead(fault.status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(statusBody(fault.status, 'InternalError', 'injected by the test proxy')));
      return;
    }
    const open: OpenWatch | undefined = watch ? { path: entry.path, response } : undefined;
    if (open) this.#watches.add(open);
    response.on('close', () => open && this.#watches.delete(open));
    const headers = { ...request.headers, host: this.#upstream.host };
    const upstream = httpsRequest(url, { method: entry.method, headers, agent: this.#agent }, (answer) => {
      if (open) open.upstream = answer;
      entry.code = answer.statusCode ?? 0;
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      // A watch's headers go out at once, as the real server sends them, not with its first event.
      response.flushHeaders();
      answer.pipe(response);
    });
    upstream.on('error', () => response.destroy());
    // A client that hangs up (a cut watch, a timeout) ends the upstream request too.
    response.on('close', () => {
      if (!response.writableFinished) upstream.destroy();
    });
    request.pipe(upstream);
  }
}
