/**
 * Black-box: Prometheus Operator scraping, for real. The Prometheus Operator itself
 * (tools/prometheus-operator, built once into the cache) runs against a control plane of this spec's own,
 * with a `Prometheus` like the one kube-prometheus-stack makes (release `kube-prometheus-stack` in
 * namespace `monitoring`: the manifests' `release` labels are written for it). The production overlay's
 * monitoring objects, and the monitors the Flock operator makes for its swarms, go into `flock`; the
 * scrape configuration the Prometheus Operator generates (the Secret it writes) must hold a job for each,
 * with the right port and path. Nothing connects to the made-up pod and Service addresses: the
 * configuration is judged by what it says, and the Prometheus pods kwok plays are never reached.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { openSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { gunzipSync } from 'node:zlib';
import { freePort } from '@flock/testkit/ports';
import { buildGoTool } from '@flock/tools/go-tool';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { prometheusOperatorCrdFiles } from './control-plane/control-plane.ts';
import { Cluster, REPO } from './support/cluster.ts';

const NS = 'flock';
const MONITORING = 'monitoring';
/** kube-prometheus-stack names its Prometheus `<release>-prometheus` and selects `release: <release>`. */
const RELEASE = { release: 'kube-prometheus-stack' };
const PROMETHEUS = 'kube-prometheus-stack-prometheus';

interface RelabelConfig {
  source_labels?: string[];
  target_label?: string;
  regex?: string;
  replacement?: string;
  action?: string;
}
interface ScrapeJob {
  job_name: string;
  metrics_path?: string;
  scheme?: string;
  scrape_interval?: string;
  kubernetes_sd_configs: { role: string; namespaces?: { names: string[] } }[];
  relabel_configs: RelabelConfig[];
}
interface PrometheusConfig {
  scrape_configs?: ScrapeJob[];
  rule_files?: string[];
}
type KObject = {
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  // biome-ignore lint/suspicious/noExplicitAny: rendered manifests are walked generically
  spec?: any;
};

let cluster: Cluster;
let promOperator: ChildProcess;
let promOperatorLog: string;

/** The scrape configuration the Prometheus Operator wrote for our Prometheus, or undefined before it has. */
async function generatedConfig(): Promise<PrometheusConfig | undefined> {
  const secret = await cluster.getJson<{ data?: Record<string, string> }>(
    'secret',
    `prometheus-${PROMETHEUS}`,
    '-n',
    MONITORING,
  );
  const gzipped = secret?.data?.['prometheus.yaml.gz'];
  if (!gzipped) return undefined;
  return parse(gunzipSync(Buffer.from(gzipped, 'base64')).toString('utf8')) as PrometheusConfig;
}

/** Waits until the generated configuration holds exactly these jobs (it is rewritten as monitors appear). */
async function configWithJobs(jobs: string[]): Promise<Map<string, ScrapeJob>> {
  const config = await cluster.eventually(
    `the Prometheus Operator's scrape config to hold ${jobs.join(', ')}`,
    async () => {
      const found = await generatedConfig();
      const names = (found?.scrape_configs ?? []).map((job) => job.job_name).sort();
      return JSON.stringify(names) === JSON.stringify([...jobs].sort()) && found;
    },
    90_000,
  );
  return new Map((config.scrape_configs ?? []).map((job) => [job.job_name, job]));
}

/** The `keep` rule on one discovered label: what a target must carry to be scraped by the job. */
function kept(job: ScrapeJob, label: string): string | undefined {
  return job.relabel_configs.find((rule) => rule.action === 'keep' && rule.source_labels?.[0] === label)
    ?.regex;
}

/**
 * What sets the `job` label of the scraped series, in order (a discovered label, or a fixed value):
 * relabelling runs top to bottom, so a later rule overrides an earlier one wherever its label is present.
 */
function jobLabelSources(job: ScrapeJob): (string | undefined)[] {
  return job.relabel_configs
    .filter((rule) => rule.target_label === 'job')
    .map((rule) => rule.source_labels?.[0] ?? rule.replacement);
}

/**
 * The remote address of each TCP connection the process holds, read from /proc (its socket inodes,
 * found in the network namespace's tables). Listening sockets have none and are left out.
 */
function tcpPeers(pid: number): string[] {
  const inodes = new Set(
    readdirSync(`/proc/${pid}/fd`)
      .map((fd) => {
        try {
          return /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`))?.[1];
        } catch {
          return undefined; // closed while we looked
        }
      })
      .filter((inode) => inode !== undefined),
  );
  const peers: string[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields.length < 10 || !inodes.has(fields[9]!) || fields[3] === '0A') continue; // 0A: LISTEN
      const [hex] = fields[2]!.split(':');
      // IPv4 (or IPv4-mapped IPv6): the last 32 bits, in the kernel's little-endian byte order.
      const ipv4 = hex!.slice(-8).match(/../g)!.reverse();
      peers.push(
        hex!.length === 32 && !hex!.startsWith('0000000000000000FFFF0000')
          ? `[${hex}]`
          : ipv4.map((byte) => Number.parseInt(byte, 16)).join('.'),
      );
    }
  }
  return peers;
}

beforeAll(
  async () => {
    // The first build takes minutes (the hook's timeout allows for it); later runs find it in the cache.
    const binary = join(await buildGoTool('prometheus-operator'), 'prometheus-operator');
    cluster = await Cluster.start({ namespace: NS, ownControlPlane: true });
    await cluster.installCrd();
    // The Prometheus controller also watches Probes: without their CRD its caches never sync.
    const crdDir = dirname(prometheusOperatorCrdFiles()[0]!);
    await cluster.kubectlOk(
      'apply',
      '--server-side',
      '-f',
      join(crdDir, 'monitoring.coreos.com_probes.yaml'),
    );
    await cluster.kubectlOk(
      'wait',
      '--for=condition=Established',
      'crd/probes.monitoring.coreos.com',
      'crd/prometheuses.monitoring.coreos.com',
      'crd/servicemonitors.monitoring.coreos.com',
      'crd/podmonitors.monitoring.coreos.com',
      '--timeout=30s',
    );
    await cluster.kubectlOk('create', 'namespace', MONITORING);

    const port = await freePort();
    promOperatorLog = join(cluster.dir, 'prometheus-operator.log');
    const log = openSync(promOperatorLog, 'a');
    promOperator = spawn(
      binary,
      [
        // Its own web server (metrics, /healthz) on loopback only.
        `--web.listen-address=127.0.0.1:${port}`,
        // Only the two namespaces this spec uses. No --kubelet-service: the kubelet Endpoints
        // controller, which lists nodes and writes their (made-up) addresses, stays off.
        `--namespaces=${NS},${MONITORING}`,
        '--log-level=debug',
      ],
      // The administrator's kubeconfig: the only address in it is the API server on 127.0.0.1.
      { env: { ...process.env, KUBECONFIG: cluster.kubeconfig }, stdio: ['ignore', log, log] },
    );
    await cluster.eventually(
      'the Prometheus Operator answering /healthz',
      async () => {
        if (promOperator.exitCode !== null)
          throw new Error(`prometheus-operator exited: ${readFileSync(promOperatorLog, 'utf8')}`);
        return (await fetch(`http://127.0.0.1:${port}/healthz`)).ok;
      },
      30_000,
    );

    await cluster.startOperator({ WATCH_NAMESPACE: NS });
  },
  // A cold build of the Prometheus Operator (about 5 minutes on 2 cores), then a control plane.
  20 * 60_000,
);

afterAll(async () => {
  if (promOperator && promOperator.exitCode === null) {
    const exited = new Promise((resolve) => promOperator.once('exit', resolve));
    promOperator.kill('SIGTERM');
    await Promise.race([exited, sleep(10_000)]);
    if (promOperator.exitCode === null) promOperator.kill('SIGKILL');
  }
  if (process.env.FLOCK_E2E_LOGS && promOperatorLog) console.log(readFileSync(promOperatorLog, 'utf8'));
  await cluster?.stop();
});

describe('the Prometheus Operator against the real control plane', () => {
  let rendered: KObject[];
  const serviceMonitorsOfManifests = ['flock-api', 'flock-operator'];

  it('generates a scrape job for each of the production overlay’s ServiceMonitors', async () => {
    rendered = parseAllDocuments(
      await cluster.kubectlOk('kustomize', join(REPO, 'manifests/overlays/production')),
    ).map((doc) => doc.toJS() as KObject);
    const monitoring = rendered.filter((o) => ['ServiceMonitor', 'PrometheusRule'].includes(o.kind));
    expect(monitoring.map((o) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`).sort()).toEqual([
      'PrometheusRule/flock/flock',
      'ServiceMonitor/flock/flock-api',
      'ServiceMonitor/flock/flock-operator',
    ]);
    await applyYaml(monitoring.map((o) => stringify(o)).join('---\n'));
    await applyYaml(
      stringify({
        apiVersion: 'monitoring.coreos.com/v1',
        kind: 'Prometheus',
        metadata: { name: PROMETHEUS, namespace: MONITORING },
        spec: {
          replicas: 1,
          // kube-prometheus-stack's defaults: its release label, in every namespace.
          serviceMonitorSelector: { matchLabels: RELEASE },
          serviceMonitorNamespaceSelector: {},
          podMonitorSelector: { matchLabels: RELEASE },
          podMonitorNamespaceSelector: {},
          probeSelector: { matchLabels: RELEASE },
          probeNamespaceSelector: {},
          ruleSelector: { matchLabels: RELEASE },
          ruleNamespaceSelector: {},
        },
      }),
    );

    const jobs = await configWithJobs(
      serviceMonitorsOfManifests.map((name) => `serviceMonitor/${NS}/${name}/0`),
    );
    for (const name of serviceMonitorsOfManifests) {
      const job = jobs.get(`serviceMonitor/${NS}/${name}/0`)!;
      // Targets: the endpoints of the Services labelled as the ServiceMonitor selects, on the port the
      // overlay's Service names `metrics`, in namespace flock only.
      const service = rendered.find(
        (o) => o.kind === 'Service' && o.metadata.labels?.['app.kubernetes.io/name'] === name,
      );
      expect(service?.spec.ports.map((p: { name: string }) => p.name)).toContain('metrics');
      expect(job.kubernetes_sd_configs).toEqual([{ role: 'endpoints', namespaces: { names: [NS] } }]);
      expect(kept(job, '__meta_kubernetes_service_label_app_kubernetes_io_name')).toBe(`(${name});true`);
      expect(kept(job, '__meta_kubernetes_endpoint_port_name')).toBe('metrics');
      expect(job.metrics_path).toBe('/metrics');
      expect(job.scheme).toBe('http');
      expect(job.scrape_interval).toBe('15s');
    }
    // The alert rules ask for up{job="flock-api"} and up{job="flock-operator"}: the API's job label is
    // its Service's name, the operator's its Service's app.kubernetes.io/name (the monitor's jobLabel).
    expect(jobLabelSources(jobs.get(`serviceMonitor/${NS}/flock-api/0`)!)).toEqual([
      '__meta_kubernetes_service_name',
    ]);
    expect(jobLabelSources(jobs.get(`serviceMonitor/${NS}/flock-operator/0`)!)).toEqual([
      '__meta_kubernetes_service_name',
      '__meta_kubernetes_service_label_app_kubernetes_io_name',
    ]);
  });

  it('loads the flock PrometheusRule (selected by its release label) as a rule file', async () => {
    const config = await generatedConfig();
    expect(config?.rule_files).toEqual([`/etc/prometheus/rules/prometheus-${PROMETHEUS}-rulefiles-0/*.yaml`]);
    const rules = await cluster.eventually('the rule files ConfigMap', () =>
      cluster.getJson<{ data: Record<string, string> }>(
        'configmap',
        `prometheus-${PROMETHEUS}-rulefiles-0`,
        '-n',
        MONITORING,
      ),
    );
    const files = Object.entries(rules.data);
    expect(files.map(([key]) => key.replace(/-[0-9a-f-]{36}\.yaml$/, ''))).toEqual([`${NS}-flock`]);
    const groups = (parse(files[0]![1]) as { groups: { name: string; rules: { alert: string }[] }[] }).groups;
    expect(groups.map((g) => g.name)).toEqual(['flock.api', 'flock.swarms']);
    expect(groups.flatMap((g) => g.rules.map((r) => r.alert))).toContain('FlockOperatorDown');
  });

  it('adds a job, with its port and path, for each swarm monitor the Flock operator makes; an unlabelled one is not selected', async () => {
    const swarm = (name: string, metrics: Record<string, unknown>) =>
      stringify({
        apiVersion: 'flock.dev/v1alpha1',
        kind: 'BotSwarm',
        metadata: { name, namespace: NS },
        spec: {
          replicas: 1,
          botsPerPod: 2,
          target: { url: 'http://flock-api:3000' },
          identity: { prefix: name },
          metrics,
        },
      });
    // Selected by no Prometheus (no release label): its monitor exists, yet no job may scrape it. It is
    // made first, so the Prometheus Operator's ServiceMonitor watch delivers it before chatter's, and a
    // configuration holding chatter was generated from a cache that held it too.
    await applyYaml(swarm('unlabelled', { mode: 'ServiceMonitor' }));
    await cluster.eventually("the Flock operator's ServiceMonitor unlabelled-bots", () =>
      cluster.getJson('servicemonitor', 'unlabelled-bots'),
    );
    await applyYaml(
      [
        swarm('chatter', { mode: 'ServiceMonitor', interval: '20s', labels: RELEASE }),
        swarm('lurkers', {
          mode: 'PodMonitor',
          port: 9500,
          path: '/bot-metrics',
          interval: '45s',
          labels: RELEASE,
        }),
      ].join('---\n'),
    );
    await cluster.eventually(
      "the Flock operator's ServiceMonitor chatter-bots and PodMonitor lurkers-bots",
      async () =>
        (await cluster.getJson('servicemonitor', 'chatter-bots')) &&
        cluster.getJson('podmonitor', 'lurkers-bots'),
    );

    const jobs = await configWithJobs([
      ...serviceMonitorsOfManifests.map((name) => `serviceMonitor/${NS}/${name}/0`),
      `serviceMonitor/${NS}/chatter-bots/0`,
      `podMonitor/${NS}/lurkers-bots/0`,
    ]);

    const chatter = jobs.get(`serviceMonitor/${NS}/chatter-bots/0`)!;
    expect(chatter.kubernetes_sd_configs).toEqual([{ role: 'endpoints', namespaces: { names: [NS] } }]);
    expect(kept(chatter, '__meta_kubernetes_service_label_app_kubernetes_io_name')).toBe('(flock-bot);true');
    expect(kept(chatter, '__meta_kubernetes_service_label_flock_dev_swarm')).toBe('(chatter);true');
    expect(kept(chatter, '__meta_kubernetes_endpoint_port_name')).toBe('metrics');
    expect(chatter.metrics_path).toBe('/metrics');
    expect(chatter.scrape_interval).toBe('20s');
    expect(jobLabelSources(chatter)).toEqual(['__meta_kubernetes_service_name']);

    // A PodMonitor scrapes the pods' container port named `metrics` (9500 here) directly.
    const lurkers = jobs.get(`podMonitor/${NS}/lurkers-bots/0`)!;
    expect(lurkers.kubernetes_sd_configs).toEqual([{ role: 'pod', namespaces: { names: [NS] } }]);
    expect(kept(lurkers, '__meta_kubernetes_pod_label_app_kubernetes_io_name')).toBe('(flock-bot);true');
    expect(kept(lurkers, '__meta_kubernetes_pod_label_flock_dev_swarm')).toBe('(lurkers);true');
    expect(kept(lurkers, '__meta_kubernetes_pod_container_port_name')).toBe('metrics');
    expect(lurkers.metrics_path).toBe('/bot-metrics');
    expect(lurkers.scheme).toBe('http');
    expect(lurkers.scrape_interval).toBe('45s');
    expect(jobLabelSources(lurkers)).toEqual([`${NS}/lurkers-bots`]);
    const pod = await cluster.eventually(
      'a lurkers pod',
      async () =>
        (
          await cluster.getJson<{
            items: { spec: { containers: { ports: { name: string; containerPort: number }[] }[] } }[];
          }>('pods', '-l', 'flock.dev/swarm=lurkers')
        )?.items[0],
    );
    expect(pod.spec.containers[0]!.ports).toContainEqual(
      expect.objectContaining({ name: 'metrics', containerPort: 9500 }),
    );
  });

  it('talks to the API server on 127.0.0.1 only', () => {
    const peers = tcpPeers(promOperator.pid!);
    expect(peers.length).toBeGreaterThan(0);
    expect(new Set(peers)).toEqual(new Set(['127.0.0.1']));
  });
});

let applied = 0;
async function applyYaml(yaml: string) {
  applied += 1;
  const file = join(cluster.dir, `apply-${applied}.yaml`);
  writeFileSync(file, yaml);
  return cluster.kubectlOk('apply', '--server-side', '-f', file);
}
