/**
 * Generates the BotSwarm CustomResourceDefinition from the TypeBox schemas in @flock/shared/botswarm,
 * so the TypeScript types and the API server's schema are one source of truth.
 */
import {
  BOTSWARM_GROUP,
  BOTSWARM_KIND,
  BOTSWARM_PLURAL,
  BOTSWARM_SHORT_NAMES,
  BOTSWARM_SINGULAR,
  BOTSWARM_VERSION,
  BotSwarmSpecSchema,
  BotSwarmStatusSchema,
} from '@flock/shared/botswarm';
import { stringify } from 'yaml';

export type JsonSchema = Record<string, unknown>;

const COPIED = [
  'description',
  'default',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'minLength',
  'maxLength',
  'pattern',
  'format',
  'enum',
  'minItems',
  'maxItems',
  'minProperties',
  'maxProperties',
  'x-kubernetes-preserve-unknown-fields',
  'x-kubernetes-validations',
  'x-kubernetes-list-type',
  'x-kubernetes-list-map-keys',
  'x-kubernetes-map-type',
  'x-kubernetes-int-or-string',
  'x-kubernetes-embedded-resource',
];

function isObject(v: unknown): v is JsonSchema {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Turns a TypeBox (JSON Schema) node into a Kubernetes structural schema node. */
export function toStructural(schema: JsonSchema): JsonSchema {
  const out: JsonSchema = {};
  const anyOf = schema.anyOf;
  if (Array.isArray(anyOf)) {
    const consts = anyOf as JsonSchema[];
    if (!consts.every((s) => 'const' in s))
      throw new Error('only unions of literals map to a structural schema');
    out.type = typeof consts[0]?.const === 'number' ? 'integer' : 'string';
    out.enum = consts.map((s) => s.const);
  } else if ('const' in schema) {
    out.type = typeof schema.const === 'number' ? 'integer' : typeof schema.const;
    out.enum = [schema.const];
  } else if (schema.type === 'object') {
    out.type = 'object';
    const pattern = schema.patternProperties;
    if (isObject(pattern)) {
      const value = Object.values(pattern)[0] as JsonSchema;
      if (Object.keys(value).filter((k) => k !== 'description').length === 0) {
        out['x-kubernetes-preserve-unknown-fields'] = true;
      } else {
        out.additionalProperties = toStructural(value);
      }
    }
    if (isObject(schema.properties)) {
      const props: JsonSchema = {};
      for (const [k, v] of Object.entries(schema.properties)) props[k] = toStructural(v as JsonSchema);
      out.properties = props;
      const required = (schema.required as string[] | undefined) ?? [];
      if (required.length > 0) out.required = [...required];
    }
    if (schema.additionalProperties === true) out['x-kubernetes-preserve-unknown-fields'] = true;
  } else if (schema.type === 'array') {
    out.type = 'array';
    out.items = toStructural(schema.items as JsonSchema);
  } else if (typeof schema.type === 'string') {
    out.type = schema.type;
  } else {
    throw new Error(`cannot express ${JSON.stringify(schema)} as a structural schema`);
  }
  for (const key of COPIED) {
    if (key in schema && !(key in out)) out[key] = structuredClone(schema[key]);
  }
  return out;
}

export const CRD_NAME = `${BOTSWARM_PLURAL}.${BOTSWARM_GROUP}`;

export function botSwarmOpenApiSchema(): JsonSchema {
  return {
    type: 'object',
    description: 'BotSwarm runs a swarm of simulated Flock users as a Deployment of bot-agent pods.',
    required: ['spec'],
    properties: {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata: { type: 'object' },
      spec: toStructural(BotSwarmSpecSchema as unknown as JsonSchema),
      status: toStructural(BotSwarmStatusSchema as unknown as JsonSchema),
    },
    'x-kubernetes-validations': [
      {
        rule: 'size(self.metadata.name) <= 50',
        message: 'metadata.name must be at most 50 characters (the operator appends "-bots" to child names)',
      },
    ],
  };
}

export function buildBotSwarmCrd(): JsonSchema {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: {
      name: CRD_NAME,
      labels: { 'app.kubernetes.io/part-of': 'flock', 'app.kubernetes.io/component': 'operator' },
    },
    spec: {
      group: BOTSWARM_GROUP,
      scope: 'Namespaced',
      names: {
        kind: BOTSWARM_KIND,
        listKind: `${BOTSWARM_KIND}List`,
        plural: BOTSWARM_PLURAL,
        singular: BOTSWARM_SINGULAR,
        shortNames: [...BOTSWARM_SHORT_NAMES],
        categories: ['flock'],
      },
      versions: [
        {
          name: BOTSWARM_VERSION,
          served: true,
          storage: true,
          schema: { openAPIV3Schema: botSwarmOpenApiSchema() },
          subresources: {
            status: {},
            scale: {
              specReplicasPath: '.spec.replicas',
              statusReplicasPath: '.status.replicas',
              labelSelectorPath: '.status.selector',
            },
          },
          additionalPrinterColumns: [
            { name: 'Desired', type: 'integer', jsonPath: '.spec.replicas', description: 'Bot pods wanted' },
            {
              name: 'Ready',
              type: 'integer',
              jsonPath: '.status.readyReplicas',
              description: 'Bot pods ready',
            },
            { name: 'Bots', type: 'integer', jsonPath: '.status.bots', description: 'Bots running' },
            {
              name: 'Status',
              type: 'string',
              jsonPath: '.status.conditions[?(@.type=="Ready")].reason',
              description: 'Reason of the Ready condition',
            },
            { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
          ],
        },
      ],
    },
  };
}

export const CRD_HEADER =
  '# Generated from shared/src/botswarm.ts by `npm run -w operator crd:generate`. Do not edit by hand:\n' +
  '# operator/test/crd.test.ts fails when this file and the TypeScript schema disagree.\n';

export function renderBotSwarmCrdYaml(): string {
  return CRD_HEADER + stringify(buildBotSwarmCrd(), { lineWidth: 0 });
}
