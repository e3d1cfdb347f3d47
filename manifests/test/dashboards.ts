// The Grafana dashboards as data: every panel's queries.
import { readdirSync, readFileSync } from 'node:fs';
import { REPO } from '@flock/testkit/repo';

export interface PanelQuery {
  dashboard: string;
  panel: string;
  refId: string;
  expr: string;
}

export interface Dashboard {
  file: string;
  uid: string;
  title: string;
  // biome-ignore lint/suspicious/noExplicitAny: Grafana's dashboard model
  panels: any[];
  // biome-ignore lint/suspicious/noExplicitAny: Grafana's dashboard model
  templating: { list: any[] };
}

export function loadDashboards(): Dashboard[] {
  const dir = `${REPO}grafana/dashboards`;
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => ({ file, ...JSON.parse(readFileSync(`${dir}/${file}`, 'utf8')) }));
}

export function panelQueries(dashboards: Dashboard[]): PanelQuery[] {
  return dashboards.flatMap((d) =>
    d.panels.flatMap((p) =>
      // biome-ignore lint/suspicious/noExplicitAny: Grafana's target model
      (p.targets ?? []).map((t: any) => ({
        dashboard: d.title,
        panel: p.title,
        refId: t.refId,
        expr: t.expr,
      })),
    ),
  );
}

/** Grafana's interval variables, as Grafana would expand them against a Prometheus scraping every `scrape`. */
export function expandGrafanaVariables(expr: string, rateInterval: string): string {
  return expr.replaceAll('$__rate_interval', rateInterval).replaceAll('$__interval', rateInterval);
}
