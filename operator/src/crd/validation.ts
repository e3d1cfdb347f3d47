/**
 * Kubernetes-style handling of a CRD's structural schema: defaulting, pruning, OpenAPI validation
 * (ajv) and `x-kubernetes-validations` CEL rules (cel-js), with causes phrased as the API server does.
 * The CRD tests use it to accept or reject example swarms as the API server would, and the manifest render
 * test to check the example swarms.
 */
import { parse as parseCel } from '@marcbachmann/cel-js';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { JsonSchema } from './crd.ts';

export interface Cause {
  reason:
    | 'FieldValueInvalid'
    | 'FieldValueRequired'
    | 'FieldValueNotSupported'
    | 'FieldValueDuplicate'
    | 'FieldValueTooLong';
  field: string;
  message: string;
}

type Rule = {
  rule: string;
  message?: string;
  messageExpression?: string;
  fieldPath?: string;
  reason?: string;
};

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describe(value: unknown): string {
  if (isObject(value)) return '"object"';
  if (Array.isArray(value)) return '"array"';
  return JSON.stringify(value);
}

/** Drops the Kubernetes-only keywords, so ajv sees plain JSON Schema. */
function forAjv(schema: JsonSchema): JsonSchema {
  const out: JsonSchema = {};
  for (const [k, v] of Object.entries(schema)) {
    if (k.startsWith('x-kubernetes-') || k === 'default' || k === 'description') continue;
    if (k === 'properties' && isObject(v)) {
      out.properties = Object.fromEntries(
        Object.entries(v).map(([pk, pv]) => [pk, forAjv(pv as JsonSchema)]),
      );
    } else if ((k === 'items' || k === 'additionalProperties') && isObject(v)) {
      out[k] = forAjv(v as JsonSchema);
    } else {
      out[k] = v;
    }
  }
  return out;
}

export class StructuralSchema {
  readonly schema: JsonSchema;
  readonly #validate: ValidateFunction;
  readonly #cel = new Map<string, ReturnType<typeof parseCel>>();

  constructor(openAPIV3Schema: JsonSchema) {
    this.schema = openAPIV3Schema;
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(ajv);
    ajv.addFormat('int64', true);
    ajv.addFormat('int32', true);
    this.#validate = ajv.compile(forAjv(openAPIV3Schema));
  }

  /** Applies schema defaults in place (as the API server does on read and write). */
  applyDefaults(value: unknown, schema: JsonSchema = this.schema): void {
    if (isObject(value)) {
      const props = schema.properties as Record<string, JsonSchema> | undefined;
      if (props) {
        for (const [k, s] of Object.entries(props)) {
          if (value[k] === undefined && s.default !== undefined) value[k] = structuredClone(s.default);
          if (value[k] !== undefined) this.applyDefaults(value[k], s);
        }
      }
      const additional = schema.additionalProperties;
      if (isObject(additional)) for (const v of Object.values(value)) this.applyDefaults(v, additional);
    } else if (Array.isArray(value) && isObject(schema.items)) {
      for (const v of value) this.applyDefaults(v, schema.items);
    }
  }

  /** Removes fields the schema does not know (unless x-kubernetes-preserve-unknown-fields). Returns their paths. */
  prune(value: unknown, schema: JsonSchema = this.schema, path = ''): string[] {
    const pruned: string[] = [];
    if (isObject(value)) {
      if (path === '.metadata') return pruned;
      const props = (schema.properties as Record<string, JsonSchema> | undefined) ?? {};
      const additional = schema.additionalProperties;
      const preserve = schema['x-kubernetes-preserve-unknown-fields'] === true;
      for (const k of Object.keys(value)) {
        const s = props[k] ?? (isObject(additional) ? additional : undefined);
        if (s) pruned.push(...this.prune(value[k], s, `${path}.${k}`));
        else if (!preserve) {
          delete value[k];
          pruned.push(`${path}.${k}`.slice(1));
        }
      }
    } else if (Array.isArray(value) && isObject(schema.items)) {
      value.forEach((v, i) => {
        pruned.push(...this.prune(v, schema.items as JsonSchema, `${path}[${i}]`));
      });
    }
    return pruned;
  }

  /** Schema and CEL validation. `old` is the stored object on update (for transition rules). */
  validate(value: unknown, old?: unknown): Cause[] {
    const causes: Cause[] = [];
    if (!this.#validate(value)) {
      for (const e of this.#validate.errors ?? []) causes.push(ajvCause(e, value));
    }
    if (causes.length === 0) this.#celWalk(this.schema, value, old, '', causes, old !== undefined);
    return causes;
  }

  #compile(rule: string) {
    let fn = this.#cel.get(rule);
    if (!fn) {
      fn = parseCel(rule);
      this.#cel.set(rule, fn);
    }
    return fn;
  }

  #celWalk(
    schema: JsonSchema,
    value: unknown,
    old: unknown,
    path: string,
    causes: Cause[],
    isUpdate: boolean,
  ) {
    if (value === undefined) return;
    const rules = (schema['x-kubernetes-validations'] as Rule[] | undefined) ?? [];
    for (const r of rules) {
      const transition = /\boldSelf\b/.test(r.rule);
      if (transition && (!isUpdate || old === undefined)) continue;
      let ok = false;
      let evalError = '';
      try {
        ok = this.#compile(r.rule)({ self: value, oldSelf: old }) === true;
      } catch (e) {
        evalError = (e as Error).message.split('\n')[0] ?? 'evaluation error';
      }
      if (!ok) {
        const field = (path + (r.fieldPath ?? '')).replace(/^\./, '');
        const message = evalError
          ? `Invalid value: ${describe(value)}: evaluating rule ${JSON.stringify(r.rule)}: ${evalError}`
          : `Invalid value: ${describe(value)}: ${r.message ?? `failed rule: ${r.rule}`}`;
        causes.push({ reason: 'FieldValueInvalid', field, message });
      }
    }
    if (schema['x-kubernetes-list-type'] === 'set' && Array.isArray(value)) {
      const seen = new Set<string>();
      value.forEach((v, i) => {
        const k = JSON.stringify(v);
        if (seen.has(k)) {
          causes.push({
            reason: 'FieldValueDuplicate',
            field: `${path.replace(/^\./, '')}[${i}]`,
            message: `Duplicate value: ${k}`,
          });
        }
        seen.add(k);
      });
    }
    if (isObject(value)) {
      const props = (schema.properties as Record<string, JsonSchema> | undefined) ?? {};
      for (const [k, s] of Object.entries(props)) {
        const oldChild = isObject(old) ? old[k] : undefined;
        this.#celWalk(s, value[k], oldChild, `${path}.${k}`, causes, isUpdate);
      }
    } else if (Array.isArray(value) && isObject(schema.items)) {
      for (const [i, v] of value.entries()) {
        this.#celWalk(schema.items as JsonSchema, v, undefined, `${path}[${i}]`, causes, false);
      }
    }
  }
}

function pathOf(instancePath: string): string {
  return instancePath
    .split('/')
    .slice(1)
    .map((p) => (/^\d+$/.test(p) ? `[${p}]` : `.${p}`))
    .join('')
    .replace(/^\./, '');
}

function valueAt(root: unknown, instancePath: string): unknown {
  let cur: unknown = root;
  for (const p of instancePath.split('/').slice(1)) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[p];
  }
  return cur;
}

function ajvCause(e: ErrorObject, root: unknown): Cause {
  const field = pathOf(e.instancePath);
  const v = valueAt(root, e.instancePath);
  const p = e.params as Record<string, unknown>;
  const inBody = `${field} in body`;
  switch (e.keyword) {
    case 'required': {
      const f = [field, String(p.missingProperty)].filter(Boolean).join('.');
      return { reason: 'FieldValueRequired', field: f, message: 'Required value' };
    }
    case 'enum':
      return {
        reason: 'FieldValueNotSupported',
        field,
        message: `Unsupported value: ${describe(v)}: supported values: ${(p.allowedValues as unknown[]).map((x) => JSON.stringify(x)).join(', ')}`,
      };
    case 'minimum':
      return {
        reason: 'FieldValueInvalid',
        field,
        message: `Invalid value: ${describe(v)}: ${inBody} should be greater than or equal to ${p.limit}`,
      };
    case 'maximum':
      return {
        reason: 'FieldValueInvalid',
        field,
        message: `Invalid value: ${describe(v)}: ${inBody} should be less than or equal to ${p.limit}`,
      };
    case 'pattern':
      return {
        reason: 'FieldValueInvalid',
        field,
        message: `Invalid value: ${describe(v)}: ${inBody} should match '${p.pattern}'`,
      };
    case 'maxLength':
      return {
        reason: 'FieldValueTooLong',
        field,
        message: `Too long: may not be more than ${p.limit} bytes`,
      };
    case 'minLength':
      return {
        reason: 'FieldValueInvalid',
        field,
        message: `Invalid value: ${describe(v)}: ${inBody} should be at least ${p.limit} chars long`,
      };
    case 'maxItems':
      return { reason: 'FieldValueTooLong', field, message: `Too many: must have at most ${p.limit} items` };
    case 'type':
      return {
        reason: 'FieldValueInvalid',
        field,
        message: `Invalid value: ${describe(v)}: ${inBody} must be of type ${p.type}: ${describe(typeof v)}`,
      };
    default:
      return {
        reason: 'FieldValueInvalid',
        field,
        message: `Invalid value: ${describe(v)}: ${inBody} ${e.message ?? 'is invalid'}`,
      };
  }
}

/** The API server's one-line summary of a 422: `Kind.group "name" is invalid: field: message`. */
export function invalidMessage(kind: string, group: string, name: string, causes: Cause[]): string {
  const parts = causes.map((c) => (c.field ? `${c.field}: ${c.message}` : c.message));
  const body = parts.length === 1 ? parts[0] : `[${parts.join(', ')}]`;
  return `${kind}${group ? `.${group}` : ''} "${name}" is invalid: ${body}`;
}
