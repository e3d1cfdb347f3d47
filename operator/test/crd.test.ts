import { readdirSync, readFileSync } from 'node:fs';
import { BotSwarmSpecSchema, validateSpec } from '@flock/shared/botswarm';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildBotSwarmCrd, type JsonSchema, renderBotSwarmCrdYaml } from '../src/crd/crd.ts';
import { StructuralSchema } from '../src/crd/validation.ts';

const crdFile = new URL('../../crds/botswarm.yaml', import.meta.url);
const fixtures = new URL('./fixtures/', import.meta.url);
const crd = parse(readFileSync(crdFile, 'utf8'));
const version = crd.spec.versions[0];
const schema = new StructuralSchema(version.schema.openAPIV3Schema);

function admit(obj: Record<string, unknown>, old?: Record<string, unknown>) {
  const o = structuredClone(obj);
  schema.prune(o);
  schema.applyDefaults(o);
  return { obj: o, causes: schema.validate(o, old) };
}

/** Every node says its type (or preserves unknown fields), and no node uses the non-structural keywords. */
function structuralProblems(node: JsonSchema, path: string): string[] {
  const out: string[] = [];
  if (!node.type && !node['x-kubernetes-preserve-unknown-fields'] && !node['x-kubernetes-int-or-string']) {
    out.push(`${path}: no type`);
  }
  for (const k of ['anyOf', 'oneOf', 'allOf', 'not', '$ref', 'patternProperties', 'const']) {
    if (k in node) out.push(`${path}: uses ${k}`);
  }
  if (node.properties && node.additionalProperties) out.push(`${path}: properties and additionalProperties`);
  for (const [k, v] of Object.entries((node.properties ?? {}) as Record<string, JsonSchema>)) {
    out.push(...structuralProblems(v, `${path}.${k}`));
  }
  if (node.items) out.push(...structuralProblems(node.items as JsonSchema, `${path}[]`));
  if (node.additionalProperties && typeof node.additionalProperties === 'object') {
    out.push(...structuralProblems(node.additionalProperties as JsonSchema, `${path}{}`));
  }
  return out;
}

describe('crds/botswarm.yaml', () => {
  it('is exactly what the TypeScript schema generates (one source of truth)', () => {
    expect(readFileSync(crdFile, 'utf8')).toBe(renderBotSwarmCrdYaml());
    expect(crd).toEqual(buildBotSwarmCrd());
  });

  it('spec properties match the TypeBox schema property by property', () => {
    const specProps = version.schema.openAPIV3Schema.properties.spec.properties;
    expect(Object.keys(specProps)).toEqual(Object.keys(BotSwarmSpecSchema.properties));
    expect(specProps.replicas).toMatchObject({ type: 'integer', minimum: 0, default: 1 });
    expect(specProps.metrics.properties.mode).toMatchObject({
      type: 'string',
      enum: ['ServiceMonitor', 'PodMonitor', 'None'],
    });
    expect(specProps.behavior.properties.tagPool['x-kubernetes-list-type']).toBe('set');
    // Additive in v1alpha1: bounded like postsPerHour, and 0 unless set, so older swarms keep what they did.
    for (const rate of ['followsPerHour', 'repliesPerHour'])
      expect(specProps.behavior.properties[rate]).toMatchObject({
        type: 'integer',
        minimum: 0,
        maximum: 3600,
        default: 0,
      });
    expect(version.schema.openAPIV3Schema.properties.status.properties.selector.type).toBe('string');
  });

  it('names, scope and version follow the spec', () => {
    expect(crd.metadata.name).toBe('botswarms.flock.dev');
    expect(crd.spec.group).toBe('flock.dev');
    expect(crd.spec.scope).toBe('Namespaced');
    expect(crd.spec.names).toMatchObject({ kind: 'BotSwarm', plural: 'botswarms', shortNames: ['swarm'] });
    expect(version.name).toBe('v1alpha1');
    expect(version.served && version.storage).toBe(true);
  });

  it('is structural', () => {
    expect(structuralProblems(version.schema.openAPIV3Schema, '')).toEqual([]);
  });

  it('every default validates against its own schema (the API server rejects a CRD otherwise)', () => {
    const bad: string[] = [];
    const walk = (node: JsonSchema, path: string) => {
      if ('default' in node) {
        const causes = new StructuralSchema(node).validate(structuredClone(node.default));
        if (causes.length > 0) bad.push(`${path}: ${causes.map((c) => c.message).join('; ')}`);
      }
      for (const [k, v] of Object.entries((node.properties ?? {}) as Record<string, JsonSchema>))
        walk(v, `${path}.${k}`);
      if (node.items) walk(node.items as JsonSchema, `${path}[]`);
    };
    walk(version.schema.openAPIV3Schema, '');
    expect(bad).toEqual([]);
  });

  it('bounds every list and string a CEL rule reads (so the rules have a finite cost)', () => {
    const spec = version.schema.openAPIV3Schema.properties.spec;
    expect(spec.properties.behavior.properties.tagPool.maxItems).toBe(100);
    expect(spec.properties.behavior.properties.tagPool.items.maxLength).toBe(50);
    expect(spec.properties.target.properties.url.maxLength).toBe(2048);
    expect(spec.properties.identity.properties.prefix.maxLength).toBe(40);
  });

  it('has the status and scale subresources (selector path is a string)', () => {
    expect(version.subresources).toEqual({
      status: {},
      scale: {
        specReplicasPath: '.spec.replicas',
        statusReplicasPath: '.status.replicas',
        labelSelectorPath: '.status.selector',
      },
    });
  });

  it('has the printer columns Desired, Ready, Bots, Status, Age', () => {
    expect(version.additionalPrinterColumns.map((c: { name: string }) => c.name)).toEqual([
      'Desired',
      'Ready',
      'Bots',
      'Status',
      'Age',
    ]);
  });
});

describe('schema + CEL admission of example swarms', () => {
  const load = (f: string) => parse(readFileSync(new URL(f, fixtures), 'utf8'));
  const good = ['good-minimal.yaml', 'good-quiet.yaml', 'good-social.yaml'];

  it.each(good)('accepts %s and fills in defaults', (f) => {
    const { obj, causes } = admit(load(f));
    expect(causes).toEqual([]);
    expect((obj.spec as { image: string }).image).toBe('ghcr.io/flock/bot-agent:0.1.0');
  });

  it('gives a swarm that names neither followsPerHour nor repliesPerHour 0 of each', () => {
    const { obj } = admit(load('good-minimal.yaml'));
    expect((obj.spec as { behavior: unknown }).behavior).toMatchObject({
      followsPerHour: 0,
      repliesPerHour: 0,
    });
  });

  it('accepts the documented example', () => {
    const demo = parse(readFileSync(new URL('../examples/demo.yaml', import.meta.url), 'utf8'));
    expect(admit(demo).causes).toEqual([]);
  });

  it.each([
    ['bad-negative-replicas.yaml', 'spec.replicas', 'should be greater than or equal to 0'],
    ['bad-above-max.yaml', 'spec.replicas', 'replicas must be less than or equal to maxReplicas'],
    [
      'bad-empty-tagpool.yaml',
      'spec.behavior.tagPool',
      'behavior.tagPool must not be empty while behavior.postsPerHour > 0',
    ],
    ['bad-url.yaml', 'spec.target.url', 'should match'],
    ['bad-negative-follows.yaml', 'spec.behavior.followsPerHour', 'should be greater than or equal to 0'],
    [
      'bad-untagged-replies.yaml',
      'spec.behavior.tagPool',
      'behavior.tagPool must not be empty while behavior.repliesPerHour > 0',
    ],
  ])('rejects %s at %s', (f, field, message) => {
    const { causes } = admit(load(f));
    expect(causes).toHaveLength(1);
    expect(causes[0]!.field).toBe(field);
    expect(causes[0]!.message).toContain(message);
  });

  it('rejects a changed identity.prefix, and adding one later, but allows other edits', () => {
    const base = admit(load('good-minimal.yaml')).obj;
    const withPrefix = admit({
      ...base,
      spec: { ...(base.spec as object), identity: { prefix: 'alpha' } },
    }).obj;
    const renamed = { ...withPrefix, spec: { ...(withPrefix.spec as object), identity: { prefix: 'beta' } } };
    expect(admit(renamed, withPrefix).causes).toEqual([
      {
        reason: 'FieldValueInvalid',
        field: 'spec.identity',
        message: 'Invalid value: "object": identity.prefix is immutable',
      },
    ]);
    expect(admit(withPrefix, base).causes.map((c) => c.message)).toEqual([
      'Invalid value: "object": identity.prefix is immutable',
    ]);
    const scaled = { ...withPrefix, spec: { ...(withPrefix.spec as object), replicas: 4 } };
    expect(admit(scaled, withPrefix).causes).toEqual([]);
  });

  it('rejects duplicate tags (tagPool is a set) and names too long for child objects', () => {
    const base = load('good-minimal.yaml');
    const dup = { ...base, spec: { ...base.spec, behavior: { tagPool: ['a', 'a'] } } };
    expect(admit(dup).causes.map((c) => c.field)).toEqual(['spec.behavior.tagPool[1]']);
    const long = { ...base, metadata: { name: 'x'.repeat(51) } };
    expect(admit(long).causes[0]!.message).toContain('at most 50 characters');
  });

  it('agrees with the TypeScript validator on every fixture', () => {
    for (const f of readdirSync(fixtures)) {
      const obj = load(f);
      const k8s = admit(obj).causes.length === 0;
      expect({ f, ok: validateSpec(obj.spec).length === 0 }).toEqual({ f, ok: k8s });
      expect(k8s).toBe(f.startsWith('good-'));
    }
  });
});

describe('one source of truth, property-based', () => {
  /** Mostly valid values, sometimes an invalid one, so both outcomes occur often. */
  const mostly = <T>(valid: fc.Arbitrary<T>, invalid: fc.Arbitrary<T>) =>
    fc.oneof({ arbitrary: valid, weight: 12 }, { arbitrary: invalid, weight: 1 });
  const tag = mostly(
    fc.constantFrom('flock', 'bots', 'k8s_1'),
    fc.constantFrom('Bad-Tag', '', 'x'.repeat(51)),
  );
  const spec = fc.record(
    {
      replicas: mostly(fc.integer({ min: 0, max: 30 }), fc.constant(-1)),
      maxReplicas: mostly(fc.integer({ min: 20, max: 60 }), fc.integer({ min: 0, max: 5 })),
      botsPerPod: mostly(fc.integer({ min: 1, max: 1000 }), fc.constantFrom(0, 1001)),
      suspend: fc.boolean(),
      image: mostly(fc.constant('ghcr.io/flock/bot-agent:0.2.0'), fc.constant('')),
      target: fc.record({
        url: mostly(
          fc.constantFrom('http://api:3000', 'https://flock.example.com/api'),
          fc.constantFrom('ftp://x', 'api:3000', 'http://', 'http://a b'),
        ),
      }),
      behavior: fc.record(
        {
          postsPerHour: mostly(fc.integer({ min: 0, max: 3600 }), fc.constantFrom(-1, 3601)),
          likesPerHour: mostly(fc.integer({ min: 0, max: 3600 }), fc.constantFrom(-1, 3601)),
          followsPerHour: mostly(fc.integer({ min: 0, max: 3600 }), fc.constantFrom(-1, 3601)),
          repliesPerHour: mostly(fc.integer({ min: 0, max: 3600 }), fc.constantFrom(-1, 3601)),
          tagPool: fc.array(tag, { maxLength: 3 }),
          jitterPercent: mostly(fc.integer({ min: 0, max: 100 }), fc.constant(101)),
          seed: mostly(fc.constant('s'), fc.constant('x'.repeat(65))),
        },
        { requiredKeys: [] },
      ),
      identity: fc.record(
        { prefix: mostly(fc.constant('demo'), fc.constantFrom('Bad_Prefix', '-x')) },
        { requiredKeys: [] },
      ),
      metrics: fc.record(
        {
          mode: mostly(fc.constantFrom('ServiceMonitor', 'PodMonitor', 'None'), fc.constant('Grafana')),
          port: mostly(fc.integer({ min: 1024, max: 65535 }), fc.constant(70000)),
          interval: mostly(fc.constantFrom('30s', '1m30s'), fc.constant('soon')),
        },
        { requiredKeys: [] },
      ),
    },
    { requiredKeys: ['target'] },
  );

  it('the TypeScript validator and the CRD (schema + CEL) accept and reject the same specs', () => {
    const outcomes = { accepted: 0, rejected: 0 };
    fc.assert(
      fc.property(spec, (s) => {
        const k8s = admit({
          apiVersion: 'flock.dev/v1alpha1',
          kind: 'BotSwarm',
          metadata: { name: 'p' },
          spec: s,
        }).causes;
        const ts = validateSpec(s);
        expect({ spec: s, accepted: ts.length === 0 }).toEqual({ spec: s, accepted: k8s.length === 0 });
        outcomes[k8s.length === 0 ? 'accepted' : 'rejected']++;
      }),
      { numRuns: 400, seed: 6 },
    );
    // Both outcomes are exercised, so the agreement is not vacuous.
    expect(outcomes.accepted).toBeGreaterThan(10);
    expect(outcomes.rejected).toBeGreaterThan(10);
  });
});
