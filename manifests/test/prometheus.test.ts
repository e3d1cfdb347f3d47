// Monitoring as code, checked with the real tools: promtool on the Compose Prometheus config and on the
// rules of the PrometheusRule; then Debian's Prometheus, run with that same config (targets pointed at
// local processes), scrapes a live API (on a fresh PostgreSQL database), a bot agent and the operator
// (a real Kubernetes control plane's, as its ServiceAccount, reconciling the example BotSwarm). Every query of
// every Grafana panel must return data, and name only metrics Prometheus has.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cluster } from '@flock/operator/test/cluster';
import { register } from '@flock/testkit/accounts';
import { type ApiProcess, startApiProcess } from '@flock/testkit/api-process';
import { createTestDatabase, type TestDatabase } from '@flock/testkit/databases';
import { render } from '@flock/testkit/kustomize';
import { freePort } from '@flock/testkit/ports';
import { type RunningProcess, run, spawnProcess } from '@flock/testkit/processes';
import { REPO, readRepoFile } from '@flock/testkit/repo';
import { TEST_JWT_SECRET } from '@flock/testkit/secrets';
import { waitFor } from '@flock/testkit/waiting';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { parse, stringify } from 'yaml';
import { expandGrafanaVariables, loadDashboards, panelQueries } from './dashboards.ts';
import { metricNames } from './promql.ts';
import { httpOk } from './support.ts';

const NODE = process.execPath;
const COMPOSE_PROMETHEUS = 'monitoring/prometheus.yml';
const SCRAPE_INTERVAL = '2s';
// What Grafana makes of $__rate_interval with this scrape interval (4 × scrape, rounded up for slack).
const RATE_INTERVAL = '15s';

let tmp: string;

async function prometheusRulesFile(): Promise<string> {
  const objs = await render('manifests/overlays/production');
  const rule = objs.find((o) => o.kind === 'PrometheusRule');
  if (!rule) throw new Error('no PrometheusRule in the render');
  const file = join(tmp, 'flock.rules.yml');
  await writeFile(file, stringify({ groups: rule.spec.groups }));
  return file;
}

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'flock-deploy-prom-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('promtool', () => {
  it('accepts the Compose Prometheus config', async () => {
    const result = await run('promtool', ['check', 'config', COMPOSE_PROMETHEUS]);
    expect(result.stdout + result.stderr).toContain('SUCCESS');
    expect(result.code).toBe(0);
  });

  it('accepts the alert rules taken out of the PrometheusRule', async () => {
    const file = await prometheusRulesFile();
    const result = await run('promtool', ['check', 'rules', file]);
    expect(result.stdout + result.stderr).toMatch(/SUCCESS: 7 rules found/);
    expect(result.code).toBe(0);
    const alerts = parse(
      readRepoFile('manifests/components/monitoring/monitoring.yaml').split('---').at(-1)!,
    ).spec.groups.flatMap((g: { rules: { alert: string }[] }) => g.rules.map((r) => r.alert));
    expect(alerts).toEqual(
      expect.arrayContaining([
        'FlockApiDown',
        'FlockApiHighErrorRate',
        'FlockApiHighLatency',
        'FlockBotSwarmNotReady',
        'FlockNoPosts',
      ]),
    );
  });

  it('fires FlockNoPosts when nothing is posted for 10 minutes, and not while bots post', async () => {
    const rules = await prometheusRulesFile();
    const test = join(tmp, 'no-posts.test.yml');
    await writeFile(
      test,
      stringify({
        rule_files: [rules],
        evaluation_interval: '1m',
        tests: [
          {
            interval: '1m',
            input_series: [
              {
                series: 'flock_messages_posted_total{source="bot",job="flock-api",instance="a"}',
                values: '0+5x10 50x20',
              },
              { series: 'up{job="flock-api",instance="a"}', values: '1x30' },
              { series: 'up{job="flock-operator",instance="o"}', values: '1x30' },
            ],
            alert_rule_test: [
              { eval_time: '8m', alertname: 'FlockNoPosts', exp_alerts: [] },
              {
                eval_time: '25m',
                alertname: 'FlockNoPosts',
                exp_alerts: [
                  {
                    exp_labels: { severity: 'warning' },
                    exp_annotations: {
                      summary: 'No message posted for 10 minutes',
                      description: 'flock_messages_posted_total has not moved for 10 minutes on any replica.',
                    },
                  },
                ],
              },
              { eval_time: '25m', alertname: 'FlockApiDown', exp_alerts: [] },
            ],
          },
        ],
      }),
    );
    const result = await run('promtool', ['test', 'rules', test]);
    expect(result.stdout + result.stderr).toContain('SUCCESS');
    expect(result.code).toBe(0);
  });
});

describe('dashboards', () => {
  const dashboards = loadDashboards();

  it('are the three promised, each on the datasource variable', () => {
    expect(dashboards.map((d) => d.uid)).toEqual(['flock-bot-swarms', 'flock-operator', 'flock-overview']);
    for (const d of dashboards) {
      expect(d.templating.list.find((v) => v.name === 'datasource')).toMatchObject({
        type: 'datasource',
        query: 'prometheus',
      });
      for (const p of d.panels) {
        // Grafana's own variable syntax, not a template literal.
        const uid = ['$', '{datasource}'].join('');
        expect(p.datasource, `${d.title} / ${p.title}`).toEqual({ type: 'prometheus', uid });
        expect(p.targets.length, `${d.title} / ${p.title}`).toBeGreaterThan(0);
      }
      const ids = d.panels.map((p) => p.id);
      expect(new Set(ids).size).toBe(ids.length);
    }
    const exprs = (uid: string) =>
      panelQueries(dashboards.filter((d) => d.uid === uid))
        .map((q) => q.expr)
        .join('\n');
    // What the issue asks each dashboard to show.
    expect(exprs('flock-overview')).toContain('sum by (source) (rate(flock_users_registered_total');
    expect(exprs('flock-overview')).toContain('sum by (source) (rate(flock_messages_posted_total');
    expect(exprs('flock-overview')).toContain('sum by (action, source) (rate(flock_likes_total');
    expect(exprs('flock-overview')).toContain('sum by (source) (rate(flock_follows_total');
    expect(exprs('flock-overview')).toContain('sum by (source) (rate(flock_unfollows_total');
    expect(exprs('flock-overview')).toContain('sum by (source) (rate(flock_replies_total');
    expect(exprs('flock-overview')).toContain('flock_ws_connections');
    // A cluster-wide figure every replica reports alike: max, never sum.
    expect(exprs('flock-overview')).toContain('max by (window) (flock_active_users)');
    expect(exprs('flock-overview')).toContain(
      'histogram_quantile(0.5, sum by (le) (rate(flock_event_delivery',
    );
    expect(exprs('flock-overview')).toContain('histogram_quantile(0.99, sum by (le, method, route)');
    expect(exprs('flock-overview')).toContain('status_code=~"5.."');
    expect(exprs('flock-bot-swarms')).toContain('sum by (swarm) (flock_bots_active');
    expect(exprs('flock-bot-swarms')).toContain('sum by (kind, outcome) (rate(flock_bot_actions_total');
    expect(exprs('flock-bot-swarms')).toContain('flock_bot_action_duration_seconds_bucket');
    expect(exprs('flock-operator')).toContain('flock_operator_reconcile_total');
    expect(exprs('flock-operator')).toContain('flock_operator_workqueue_depth');
    expect(exprs('flock-operator')).toContain('max by (state) (flock_operator_swarms)');
  });

  it('lexes metric names out of queries', () => {
    expect(
      metricNames(
        'sum by (swarm) (rate(flock_bot_actions_total{kind="post"}[5m]) * on (job, instance) group_left (swarm) flock_bot_agent_info) * 60 or vector(0)',
      ).sort(),
    ).toEqual(['flock_bot_actions_total', 'flock_bot_agent_info']);
    expect(metricNames('histogram_quantile(0.99, sum by (le) (rate(x_bucket[1m]))) * 1e9')).toEqual([
      'x_bucket',
    ]);
  });
});

describe('a real Prometheus scraping a live system', () => {
  let db: TestDatabase;
  let api: ApiProcess;
  let kube: Cluster;
  const procs: RunningProcess[] = [];
  let ws: WebSocket | undefined;
  let promUrl = '';
  const targets: Record<string, string> = {};

  beforeAll(async () => {
    db = await createTestDatabase();
    const apiMetricsPort = await freePort();
    api = await startApiProcess({
      DATABASE_URL: db.url,
      JWT_SECRET: TEST_JWT_SECRET,
      METRICS_PORT: String(apiMetricsPort),
      AUTH_RATE_LIMIT_MAX: '1000',
    });

    const botPort = await freePort();
    const bots = spawnProcess(NODE, ['bot-agent/src/main.ts'], {
      env: {
        TARGET_URL: api.url,
        METRICS_PORT: String(botPort),
        METRICS_HOST: '127.0.0.1',
        SWARM_NAME: 'deploytest',
        POD_NAME: 'deploytest-0',
        BOTS_PER_POD: '4',
        POSTS_PER_HOUR: '1800',
        LIKES_PER_HOUR: '1800',
        FOLLOWS_PER_HOUR: '1800',
        REPLIES_PER_HOUR: '1800',
        TAG_POOL: 'flock,birds',
        LOG_LEVEL: 'warn',
      },
    });
    procs.push(bots);

    // A real control plane, and the operator as its ServiceAccount (the operator tests' harness).
    kube = await Cluster.start({ namespace: 'flock', ownControlPlane: true });
    await kube.installCrd();
    await kube.kubectlOk('apply', '-n', 'flock', '-f', join(REPO, 'manifests/examples/botswarm.yaml'));
    const operatorPort = await freePort();
    await kube.startOperator({
      PORT: String(operatorPort),
      POD_NAME: 'deploytest-operator',
      // A resync every 5 s keeps reconciles (and their duration histogram) moving during the run.
      RESYNC_SECONDS: '5',
    });

    await waitFor('the bot agent', () => httpOk(`http://127.0.0.1:${botPort}/healthz`), {
      describe: bots.output,
    });

    // The compose config, with each job's targets pointed at the local processes.
    const config = parse(readRepoFile(COMPOSE_PROMETHEUS));
    const promPort = await freePort();
    Object.assign(targets, {
      'flock-api': `127.0.0.1:${apiMetricsPort}`,
      'flock-bots': `127.0.0.1:${botPort}`,
      'flock-operator': `127.0.0.1:${operatorPort}`,
      prometheus: `127.0.0.1:${promPort}`,
    });
    expect(config.scrape_configs.map((j: { job_name: string }) => j.job_name).sort()).toEqual(
      Object.keys(targets).sort(),
    );
    config.global.scrape_interval = SCRAPE_INTERVAL;
    config.global.scrape_timeout = SCRAPE_INTERVAL;
    config.global.evaluation_interval = SCRAPE_INTERVAL;
    config.rule_files = [await prometheusRulesFile()];
    for (const job of config.scrape_configs) {
      delete job.dns_sd_configs;
      job.static_configs = [{ targets: [targets[job.job_name]] }];
    }
    const configFile = join(tmp, 'prometheus.yml');
    await writeFile(configFile, stringify(config));
    const prometheus = spawnProcess('prometheus', [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${join(tmp, 'tsdb')}`,
      `--web.listen-address=127.0.0.1:${promPort}`,
      '--log.level=warn',
    ]);
    procs.push(prometheus);
    promUrl = `http://127.0.0.1:${promPort}`;
    await waitFor('Prometheus', () => httpOk(`${promUrl}/-/ready`), { describe: prometheus.output });

    // A person too: signs up, posts, likes a bot's message, follows and unfollows its author (bots
    // never unfollow) and watches the live feed.
    const { token } = await register(api.url, {
      username: 'deploy_human',
      email: 'human@example.com',
      password: 'a long passphrase 42',
    });
    const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    ws = new WebSocket(`${api.url.replace('http', 'ws')}/api/ws`, ['flock.v1', `flock.auth.${token}`]);
    await new Promise((resolve, reject) => {
      ws!.once('open', resolve);
      ws!.once('error', reject);
    });
    ws.send(JSON.stringify({ type: 'subscribe', stream: 'public' }));
    const posted = await fetch(`${api.url}/api/messages`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ content: 'hello from the deploy test #flock' }),
    });
    expect(posted.status).toBe(201);
    const botMessage = await waitFor('a bot message', async () => {
      const page = (await (await fetch(`${api.url}/api/messages`, { headers: auth })).json()) as {
        items: { id: string; author: { username: string; bot: boolean } }[];
      };
      return page.items.find((m) => m.author.bot);
    });
    const liked = await fetch(`${api.url}/api/messages/${botMessage.id}/like`, {
      method: 'PUT',
      headers: { authorization: auth.authorization },
    });
    expect(liked.status).toBe(200);
    const follow = `${api.url}/api/users/${encodeURIComponent(botMessage.author.username)}/follow`;
    const followed = await fetch(follow, { method: 'PUT', headers: { authorization: auth.authorization } });
    expect(followed.status).toBe(200);
    const unfollowed = await fetch(follow, {
      method: 'DELETE',
      headers: { authorization: auth.authorization },
    });
    expect(unfollowed.status).toBe(200);
  });

  afterAll(async () => {
    ws?.close();
    await Promise.all(procs.map((p) => p.stop()));
    if (api) {
      api.child.kill('SIGTERM');
      await api.exited;
    }
    await kube?.stop();
    await db?.drop();
  });

  async function query(expr: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
    const response = await fetch(`${promUrl}/api/v1/query?query=${encodeURIComponent(expr)}`);
    const body = (await response.json()) as { status: string; error?: string; data: { result: [] } };
    if (body.status !== 'success') throw new Error(`${expr}: ${body.error}`);
    return body.data.result;
  }

  /**
   * The metrics that exist: every series Prometheus holds, plus every metric the components declare on
   * /metrics (`# TYPE` lines: a labelled counter nothing has incremented yet has no series, but exists).
   */
  async function knownMetrics(): Promise<Set<string>> {
    const response = await fetch(`${promUrl}/api/v1/label/__name__/values`);
    const known = new Set(((await response.json()) as { data: string[] }).data);
    for (const [job, target] of Object.entries(targets)) {
      if (job === 'prometheus') continue;
      const text = await (await fetch(`http://${target}/metrics`)).text();
      for (const [, name, type] of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
        known.add(name!);
        if (type === 'histogram')
          for (const suffix of ['_bucket', '_sum', '_count']) known.add(name + suffix);
      }
    }
    return known;
  }

  it('scrapes the API, the bot agent and the operator', async () => {
    const up = await waitFor('every target up', async () => {
      const result = await query('up');
      const byJob = Object.fromEntries(result.map((r) => [r.metric.job, r.value[1]]));
      return Object.keys(targets).every((job) => byJob[job] === '1') && byJob;
    });
    expect(up).toEqual({ 'flock-api': '1', 'flock-bots': '1', 'flock-operator': '1', prometheus: '1' });
  });

  it('every query of every Grafana panel returns data, and names only metrics that exist', async () => {
    const queries = panelQueries(loadDashboards());
    expect(queries.length).toBeGreaterThan(30);
    let failing: string[] = [];
    await waitFor(
      'every panel query to return data',
      async () => {
        failing = [];
        for (const q of queries) {
          const result = await query(expandGrafanaVariables(q.expr, RATE_INTERVAL));
          const finite = result.filter((r) => Number.isFinite(Number(r.value[1])));
          if (finite.length === 0) failing.push(`${q.dashboard} / ${q.panel} [${q.refId}]: ${q.expr}`);
        }
        return failing.length === 0;
      },
      { timeoutMs: 90_000, describe: () => `no data yet:\n${failing.join('\n')}` },
    );

    const known = await knownMetrics();
    const unknown: string[] = [];
    for (const q of queries) {
      const names = metricNames(q.expr);
      expect(names.length, q.expr).toBeGreaterThan(0);
      for (const name of names) if (!known.has(name)) unknown.push(`${q.dashboard} / ${q.panel}: ${name}`);
    }
    expect(unknown).toEqual([]);
  });

  it('evaluates every alert rule without errors, none firing on a healthy system', async () => {
    type RuleGroup = {
      lastEvaluation: string;
      rules: { name: string; health: string; lastError?: string; state: string }[];
    };
    const ruleGroups = async () =>
      ((await (await fetch(`${promUrl}/api/v1/rules`)).json()) as { data: { groups: RuleGroup[] } }).data
        .groups;
    // A rule evaluated before the second scrape of a counter sees no increase yet (FlockNoPosts goes
    // pending on a Prometheus a few seconds old), so judge only evaluations made once posts are visible.
    await waitFor('posts visible to Prometheus', async () => {
      const result = await query('sum(increase(flock_messages_posted_total[10m])) > 0');
      return result.length > 0;
    });
    const dataVisibleAt = Date.now();
    const groups = await waitFor('an evaluation of every rule group after posts became visible', async () => {
      const current = await ruleGroups();
      return current.every((g) => Date.parse(g.lastEvaluation) > dataVisibleAt) && current;
    });
    const rules = groups.flatMap((g) => g.rules);
    expect(rules.length).toBe(7);
    for (const rule of rules) {
      expect(rule.health, `${rule.name}: ${rule.lastError ?? ''}`).toBe('ok');
      expect(rule.state, rule.name).toBe('inactive');
    }
    // The alerts read metrics that exist.
    const known = await knownMetrics();
    const ruleFile = parse(
      readRepoFile('manifests/components/monitoring/monitoring.yaml').split('---').at(-1)!,
    );
    for (const group of ruleFile.spec.groups)
      for (const rule of group.rules)
        for (const name of metricNames(rule.expr)) expect(known, `${rule.alert}: ${name}`).toContain(name);
  });
});
