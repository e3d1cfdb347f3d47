/**
 * Which Prometheus Operator `Prometheus` objects would scrape a monitor: a Prometheus selects a
 * ServiceMonitor (PodMonitor) when its `serviceMonitorSelector` (`podMonitorSelector`) matches the
 * monitor's labels — an absent selector selects none, `{}` all — and its namespace selector admits the
 * monitor's namespace (absent: its own namespace only; `{}`: every namespace; anything else needs the
 * namespaces' labels, which the operator does not read, so it counts as a possible match).
 */
import type { KObject } from './kube.ts';

interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
}

export function matchesLabelSelector(selector: LabelSelector, labels: Record<string, string>): boolean {
  const byLabel = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  return (
    byLabel &&
    (selector.matchExpressions ?? []).every(({ key, operator, values = [] }) => {
      const has = key in labels;
      if (operator === 'In') return has && values.includes(labels[key]!);
      if (operator === 'NotIn') return !has || !values.includes(labels[key]!);
      if (operator === 'Exists') return has;
      if (operator === 'DoesNotExist') return !has;
      return false;
    })
  );
}

export function selectingPrometheuses(monitor: KObject, prometheuses: KObject[]): KObject[] {
  const [selectorField, namespaceField] =
    monitor.kind === 'PodMonitor'
      ? ['podMonitorSelector', 'podMonitorNamespaceSelector']
      : ['serviceMonitorSelector', 'serviceMonitorNamespaceSelector'];
  return prometheuses.filter((prometheus) => {
    const spec = (prometheus.spec ?? {}) as Record<string, LabelSelector | undefined>;
    const selector = spec[selectorField!];
    if (!selector || !matchesLabelSelector(selector, monitor.metadata.labels ?? {})) return false;
    const namespaces = spec[namespaceField!];
    if (!namespaces) return prometheus.metadata.namespace === monitor.metadata.namespace;
    return true;
  });
}
