// JSON schemas for the Prometheus Operator kinds Flock uses (monitoring.coreos.com/v1), written from the
// Prometheus Operator API reference (https://prometheus-operator.dev/docs/api-reference/api/): the fields
// Flock sets, closed with additionalProperties: false at each level so a misspelt field fails. Not the
// operator's full CRD schemas (no package here ships them); a cluster with the CRDs validates the rest.
const metadata = {
  type: 'object',
  required: ['name'],
  properties: {
    name: { type: 'string', pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', maxLength: 253 },
    namespace: { type: 'string' },
    labels: { type: 'object', additionalProperties: { type: 'string' } },
    annotations: { type: 'object', additionalProperties: { type: 'string' } },
  },
  additionalProperties: false,
};

const labelSelector = {
  type: 'object',
  properties: {
    matchLabels: { type: 'object', additionalProperties: { type: 'string' } },
    matchExpressions: {
      type: 'array',
      items: {
        type: 'object',
        required: ['key', 'operator'],
        properties: {
          key: { type: 'string' },
          operator: { enum: ['In', 'NotIn', 'Exists', 'DoesNotExist'] },
          values: { type: 'array', items: { type: 'string' } },
        },
        additionalProperties: false,
      },
    },
  },
  additionalProperties: false,
};

const namespaceSelector = {
  type: 'object',
  properties: { any: { type: 'boolean' }, matchNames: { type: 'array', items: { type: 'string' } } },
  additionalProperties: false,
};

const duration = {
  type: 'string',
  pattern: '^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$',
};

const endpoint = {
  type: 'object',
  properties: {
    port: { type: 'string' },
    targetPort: { anyOf: [{ type: 'string' }, { type: 'integer' }] },
    path: { type: 'string', pattern: '^/' },
    scheme: { enum: ['http', 'https'] },
    interval: duration,
    scrapeTimeout: duration,
    honorLabels: { type: 'boolean' },
    relabelings: { type: 'array', items: { type: 'object' } },
    metricRelabelings: { type: 'array', items: { type: 'object' } },
  },
  additionalProperties: false,
};

const monitorBase = (endpointsKey: string) => ({
  type: 'object',
  required: ['apiVersion', 'kind', 'metadata', 'spec'],
  properties: {
    apiVersion: { const: 'monitoring.coreos.com/v1' },
    kind: { type: 'string' },
    metadata,
    spec: {
      type: 'object',
      required: ['selector', endpointsKey],
      properties: {
        jobLabel: { type: 'string' },
        targetLabels: { type: 'array', items: { type: 'string' } },
        podTargetLabels: { type: 'array', items: { type: 'string' } },
        selector: labelSelector,
        namespaceSelector,
        [endpointsKey]: { type: 'array', minItems: 1, items: endpoint },
        sampleLimit: { type: 'integer', minimum: 0 },
      },
      additionalProperties: false,
    },
  },
  additionalProperties: false,
});

export const serviceMonitorSchema = monitorBase('endpoints');
export const podMonitorSchema = monitorBase('podMetricsEndpoints');

const rule = {
  type: 'object',
  required: ['expr'],
  oneOf: [{ required: ['alert'] }, { required: ['record'] }],
  properties: {
    alert: { type: 'string', pattern: '^[a-zA-Z_][a-zA-Z0-9_]*$' },
    record: { type: 'string', pattern: '^[a-zA-Z_:][a-zA-Z0-9_:]*$' },
    expr: { anyOf: [{ type: 'string', minLength: 1 }, { type: 'integer' }] },
    for: duration,
    keep_firing_for: duration,
    labels: { type: 'object', additionalProperties: { type: 'string' } },
    annotations: { type: 'object', additionalProperties: { type: 'string' } },
  },
  additionalProperties: false,
};

export const prometheusRuleSchema = {
  type: 'object',
  required: ['apiVersion', 'kind', 'metadata', 'spec'],
  properties: {
    apiVersion: { const: 'monitoring.coreos.com/v1' },
    kind: { const: 'PrometheusRule' },
    metadata,
    spec: {
      type: 'object',
      required: ['groups'],
      properties: {
        groups: {
          type: 'array',
          minItems: 1,
          items: {
            type: 'object',
            required: ['name', 'rules'],
            properties: {
              name: { type: 'string', minLength: 1 },
              interval: duration,
              limit: { type: 'integer' },
              partial_response_strategy: { type: 'string' },
              rules: { type: 'array', minItems: 1, items: rule },
            },
            additionalProperties: false,
          },
        },
      },
      additionalProperties: false,
    },
  },
  additionalProperties: false,
};
