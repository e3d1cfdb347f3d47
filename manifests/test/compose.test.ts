// docker-compose.yaml, read as a file (containers/test brings it up for real): services, ports, environment
// (the API's against its ConfigSchema, the bots' against their config loader), volumes, health checks,
// and the agreement between Compose, nginx.conf, the Prometheus config, Grafana and the manifests.
import { existsSync } from 'node:fs';
import { ConfigSchema, loadConfig } from '@flock/api/config';
import { loadConfig as loadBotConfig } from '@flock/bot-agent/config';
import { render } from '@flock/testkit/kustomize';
import { REPO, readRepoFile } from '@flock/testkit/repo';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

type Service = {
  image?: string;
  build?: { context: string; dockerfile: string };
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  expose?: string[];
  volumes?: string[];
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
  deploy?: { replicas?: number };
  networks?: { default?: { aliases?: string[] } };
};
// As Compose reads it with none of its variables set: each `${NAME:-default}` is its default.
const withDefaults = readRepoFile('docker-compose.yaml').replace(/\$\{\w+:-([^}]*)\}/g, '$1');
const compose = parse(withDefaults, { merge: true }) as {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
};
const services = compose.services;
const env = (name: string) => services[name]!.environment ?? {};

describe('docker-compose.yaml', () => {
  it('has the whole system', () => {
    expect(Object.keys(services).sort()).toEqual([
      'api',
      'bots',
      'grafana',
      'migrate',
      'postgres',
      'prometheus',
      'web',
    ]);
    expect(services.api!.deploy?.replicas).toBe(2);
    for (const [name, s] of Object.entries(services)) {
      expect(s.image, name).toMatch(/^[\w./-]+:[\w.-]+$/);
      expect(s.image, name).not.toMatch(/:latest$/);
      if (s.build) {
        expect(s.build.context, name).toBe('.');
        expect(existsSync(`${REPO}${s.build.dockerfile}`), s.build.dockerfile).toBe(true);
      }
    }
    // Services built from the same Dockerfile share one image.
    expect(services.migrate!.image).toBe(services.api!.image);
    expect(services.migrate!.build).toEqual(services.api!.build);
  });

  it('configures the API within its schema, for production, against the Compose PostgreSQL', () => {
    const apiEnv = env('api');
    for (const key of Object.keys(apiEnv)) expect(Object.keys(ConfigSchema.properties), key).toContain(key);
    const config = loadConfig(apiEnv);
    expect(config.NODE_ENV).toBe('production');
    expect(config.HOST).toBe('0.0.0.0');
    expect(config.METRICS_HOST).toBe('0.0.0.0');
    const db = new URL(config.DATABASE_URL!);
    expect(db.hostname).toBe('postgres');
    expect(db.username).toBe(env('postgres').POSTGRES_USER);
    expect(db.password).toBe(env('postgres').POSTGRES_PASSWORD);
    expect(db.pathname).toBe(`/${env('postgres').POSTGRES_DB}`);
    expect(env('migrate').DATABASE_URL).toBe(config.DATABASE_URL);
    // Replicas cannot share a host port: the API is reached through web (nginx) only.
    expect(services.api!.ports).toBeUndefined();
    expect(services.api!.expose?.sort()).toEqual([String(config.PORT), String(config.METRICS_PORT)].sort());
  });

  it('wires nginx, the bots and Prometheus to the API by the names and ports it uses', async () => {
    const config = loadConfig(env('api'));
    const nginx = readRepoFile('web/nginx.conf');
    const upstream = /upstream flock_api \{\s*server ([\w.-]+):(\d+);/.exec(nginx)!;
    expect(services.api!.networks?.default?.aliases).toContain(upstream[1]);
    expect(Number(upstream[2])).toBe(config.PORT);
    expect(services.web!.ports).toEqual([`127.0.0.1:8080:${/listen (\d+)/.exec(nginx)![1]}`]);

    const bots = loadBotConfig([], env('bots'));
    const target = new URL(bots.targetUrl);
    expect(services.api!.networks?.default?.aliases).toContain(target.hostname);
    expect(Number(target.port)).toBe(config.PORT);
    expect(services.bots!.expose).toEqual([String(bots.metricsPort)]);

    const prometheus = parse(readRepoFile('monitoring/prometheus.yml'));
    const job = (name: string) =>
      prometheus.scrape_configs.find((j: { job_name: string }) => j.job_name === name);
    expect(job('flock-api').dns_sd_configs).toEqual([
      { names: ['api'], type: 'A', port: config.METRICS_PORT, refresh_interval: '15s' },
    ]);
    expect(job('flock-bots').static_configs[0].targets).toEqual([`bots:${bots.metricsPort}`]);
    // The same job names as the ServiceMonitors produce (job = Service name) in the cluster (production
    // includes the monitoring component).
    const objs = await render('manifests/overlays/production');
    const serviceNames = objs.filter((o) => o.kind === 'Service').map((o) => o.metadata.name);
    expect(serviceNames).toContain('flock-api');
    const operatorMonitor = objs.find(
      (o) => o.kind === 'ServiceMonitor' && o.metadata.name === 'flock-operator',
    )!;
    expect(operatorMonitor.spec.jobLabel).toBe('app.kubernetes.io/name');
    expect(job('flock-operator')).toBeDefined();
  });

  it('runs the API image’s migration program before the API, as the Kubernetes init container does', async () => {
    const objs = await render('manifests/overlays/dev');
    const api = objs.find((o) => o.kind === 'Deployment' && o.metadata.name === 'flock-api')!;
    const init = api.spec.template.spec.initContainers[0];
    for (const command of [services.migrate!.command!, init.command as string[]]) {
      expect(command).toEqual(['node', 'api/src/db/migrate.ts']);
      // The image holds the repository's api/src at /app/api/src (api/Dockerfile).
      expect(existsSync(`${REPO}${command[1]}`), command[1]).toBe(true);
    }
    expect(services.api!.depends_on?.migrate).toEqual({ condition: 'service_completed_successfully' });
  });

  it('declares every named volume it uses and mounts files that exist', () => {
    const used = new Set<string>();
    for (const [name, s] of Object.entries(services))
      for (const v of s.volumes ?? []) {
        const [source] = v.split(':');
        if (source!.startsWith('./'))
          expect(existsSync(`${REPO}${source!.slice(2)}`), `${name}: ${source}`).toBe(true);
        else used.add(source!);
      }
    expect([...used].sort()).toEqual(Object.keys(compose.volumes).sort());
    expect(services.postgres!.volumes).toEqual(['pgdata:/var/lib/postgresql/data']);
    const provider = parse(readRepoFile('grafana/provisioning/dashboards/flock.yaml'));
    const dashboardsMount = services.grafana!.volumes!.find((v) => v.startsWith('./grafana/dashboards:'))!;
    expect(dashboardsMount.split(':')[1]).toBe(provider.providers[0].options.path);
    const datasource = parse(readRepoFile('grafana/provisioning/datasources/prometheus.yaml')).datasources[0];
    expect(datasource.url).toBe(`http://prometheus:${services.prometheus!.ports![0]!.split(':')[2]}`);
    expect(services.prometheus!.volumes).toContain(
      './monitoring/prometheus.yml:/etc/prometheus/prometheus.yml:ro',
    );
  });

  it('health-checks every long-running service and starts each after what it needs', () => {
    for (const [name, s] of Object.entries(services)) {
      if (name !== 'migrate') expect(s.healthcheck?.test.length, name).toBeGreaterThan(1);
      for (const [dep, { condition }] of Object.entries(s.depends_on ?? {})) {
        expect(services[dep], `${name} → ${dep}`).toBeDefined();
        if (condition === 'service_healthy')
          expect(services[dep]!.healthcheck, `${name} → ${dep}`).toBeDefined();
        else expect(condition).toBe('service_completed_successfully');
      }
    }
    expect(Object.keys(services.api!.depends_on!).sort()).toEqual(['migrate', 'postgres']);
    expect(services.web!.depends_on).toEqual({ api: { condition: 'service_healthy' } });
    expect(services.bots!.depends_on).toEqual({ api: { condition: 'service_healthy' } });
    // The API's health check is its readiness (database and migrations), on the port it listens on.
    expect(services.api!.healthcheck!.test.join(' ')).toContain(
      `127.0.0.1:${loadConfig(env('api')).PORT}/readyz`,
    );
  });
});
