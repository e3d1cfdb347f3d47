// Which Prometheus objects select a monitor, by the Prometheus Operator's rules.
import { describe, expect, it } from 'vitest';
import type { KObject } from '../src/kube.ts';
import { matchesLabelSelector, selectingPrometheuses } from '../src/prometheus-selection.ts';

const monitor = (kind: string, labels: Record<string, string>): KObject => ({
  apiVersion: 'monitoring.coreos.com/v1',
  kind,
  metadata: { name: 'demo-bots', namespace: 'bots', labels },
});
const prometheus = (name: string, namespace: string, spec: Record<string, unknown>): KObject => ({
  apiVersion: 'monitoring.coreos.com/v1',
  kind: 'Prometheus',
  metadata: { name, namespace },
  spec,
});

describe('Prometheus selection', () => {
  it('label selectors: matchLabels and every matchExpressions operator', () => {
    const labels = { release: 'kps', tier: 'bots' };
    expect(matchesLabelSelector({}, labels)).toBe(true);
    expect(matchesLabelSelector({ matchLabels: { release: 'kps' } }, labels)).toBe(true);
    expect(matchesLabelSelector({ matchLabels: { release: 'other' } }, labels)).toBe(false);
    const expression = (operator: string, values?: string[]) => ({
      matchExpressions: [{ key: 'tier', operator, values }],
    });
    expect(matchesLabelSelector(expression('In', ['bots', 'api']), labels)).toBe(true);
    expect(matchesLabelSelector(expression('NotIn', ['bots']), labels)).toBe(false);
    expect(matchesLabelSelector(expression('Exists'), labels)).toBe(true);
    expect(matchesLabelSelector(expression('DoesNotExist'), labels)).toBe(false);
  });

  it('a selector picks by kind; none selects nothing; the namespace selector decides where', () => {
    const all = { serviceMonitorSelector: {}, serviceMonitorNamespaceSelector: {} };
    const kps = {
      serviceMonitorSelector: { matchLabels: { release: 'kps' } },
      serviceMonitorNamespaceSelector: {},
    };
    const local = { serviceMonitorSelector: {} };
    const pods = { podMonitorSelector: {}, podMonitorNamespaceSelector: {} };
    const candidates = [
      prometheus('all', 'monitoring', all),
      prometheus('kps', 'monitoring', kps),
      prometheus('elsewhere', 'monitoring', local),
      prometheus('here', 'bots', local),
      prometheus('pods', 'monitoring', pods),
    ];
    const names = (m: KObject) => selectingPrometheuses(m, candidates).map((p) => p.metadata.name);
    expect(names(monitor('ServiceMonitor', { release: 'kps' }))).toEqual(['all', 'kps', 'here']);
    expect(names(monitor('ServiceMonitor', {}))).toEqual(['all', 'here']);
    expect(names(monitor('PodMonitor', {}))).toEqual(['pods']);
  });
});
