/** Merge patch (RFC 7386), JSON patch (RFC 6902), an approximate strategic merge, and apply (SSA) merging. */

type Json = unknown;
const isMap = (v: unknown): v is Record<string, Json> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export class PatchError extends Error {
  readonly code: number;
  constructor(message: string, code = 422) {
    super(message);
    this.code = code;
  }
}

export function mergePatch(target: Json, patch: Json): Json {
  if (!isMap(patch)) return structuredClone(patch);
  const out: Record<string, Json> = isMap(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

/** Strategic merge, approximately: like a merge patch, but lists of objects with `name` merge by name. */
export function strategicMergePatch(target: Json, patch: Json): Json {
  if (
    Array.isArray(patch) &&
    Array.isArray(target) &&
    patch.every((p) => isMap(p) && typeof p.name === 'string')
  ) {
    const out = target.map((t) => structuredClone(t));
    for (const p of patch as Array<Record<string, Json>>) {
      if (p.$patch === 'delete') {
        const i = out.findIndex((t) => isMap(t) && t.name === p.name);
        if (i >= 0) out.splice(i, 1);
        continue;
      }
      const i = out.findIndex((t) => isMap(t) && t.name === p.name);
      if (i >= 0) out[i] = strategicMergePatch(out[i], p);
      else out.push(structuredClone(p));
    }
    return out;
  }
  if (!isMap(patch)) return structuredClone(patch);
  const out: Record<string, Json> = isMap(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (k.startsWith('$')) continue;
    if (v === null) delete out[k];
    else out[k] = strategicMergePatch(out[k], v);
  }
  return out;
}

function pointer(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw new PatchError(`invalid JSON pointer ${JSON.stringify(path)}`);
  return path
    .slice(1)
    .split('/')
    .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'));
}

function getAt(doc: Json, parts: string[]): Json {
  let cur = doc;
  for (const p of parts) {
    if (Array.isArray(cur)) cur = cur[Number(p)];
    else if (isMap(cur)) cur = cur[p];
    else return undefined;
  }
  return cur;
}

export function jsonPatch(doc: Json, ops: unknown): Json {
  if (!Array.isArray(ops)) throw new PatchError('a JSON patch must be an array of operations', 400);
  let root = structuredClone(doc);
  for (const op of ops as Array<{ op: string; path: string; value?: Json; from?: string }>) {
    const parts = pointer(op.path);
    const parentParts = parts.slice(0, -1);
    const last = parts.at(-1);
    const set = (value: Json, insert: boolean) => {
      if (last === undefined) {
        root = value;
        return;
      }
      const parent = getAt(root, parentParts);
      if (Array.isArray(parent)) {
        const i = last === '-' ? parent.length : Number(last);
        if (Number.isNaN(i) || i < 0 || i > parent.length)
          throw new PatchError(`index out of range: ${op.path}`);
        if (insert) parent.splice(i, 0, value);
        else parent[i] = value;
      } else if (isMap(parent)) {
        if (!insert && !(last in parent))
          throw new PatchError(`jsonpatch replace operation does not apply: doc is missing key: ${op.path}`);
        parent[last] = value;
      } else throw new PatchError(`doc is missing path: ${op.path}`);
    };
    const remove = (p: string[]) => {
      const parent = getAt(root, p.slice(0, -1));
      const key = p.at(-1)!;
      if (Array.isArray(parent)) parent.splice(Number(key), 1);
      else if (isMap(parent) && key in parent) delete parent[key];
      else throw new PatchError(`jsonpatch remove operation does not apply: doc is missing path: ${op.path}`);
    };
    switch (op.op) {
      case 'add':
        set(structuredClone(op.value), true);
        break;
      case 'replace':
        set(structuredClone(op.value), false);
        break;
      case 'remove':
        remove(parts);
        break;
      case 'test':
        if (JSON.stringify(getAt(root, parts)) !== JSON.stringify(op.value))
          throw new PatchError(`testing value ${op.path} failed`);
        break;
      case 'copy':
        set(structuredClone(getAt(root, pointer(op.from ?? ''))), true);
        break;
      case 'move': {
        const v = getAt(root, pointer(op.from ?? ''));
        remove(pointer(op.from ?? ''));
        set(v, true);
        break;
      }
      default:
        throw new PatchError(`unexpected JSON patch operation ${JSON.stringify(op.op)}`, 400);
    }
  }
  return root;
}

/** Removes from `live` the fields the manager applied before (`prev`) and no longer applies (`next`). */
function removeDropped(live: Json, prev: Json, next: Json): Json {
  if (!isMap(live) || !isMap(prev)) return live;
  const out: Record<string, Json> = { ...live };
  for (const [k, pv] of Object.entries(prev)) {
    const nv = isMap(next) ? next[k] : undefined;
    if (nv === undefined) delete out[k];
    else if (isMap(pv) && isMap(nv)) out[k] = removeDropped(out[k], pv, nv);
  }
  return out;
}

function applyMerge(live: Json, applied: Json): Json {
  if (!isMap(applied)) return structuredClone(applied);
  const out: Record<string, Json> = isMap(live) ? { ...live } : {};
  for (const [k, v] of Object.entries(applied)) {
    // An explicit null in an apply configuration removes the field.
    if (v === null) delete out[k];
    else out[k] = applyMerge(out[k], v);
  }
  return out;
}

/**
 * Server-side apply, simplified: fields the manager applied before and dropped are removed, maps merge,
 * lists are replaced whole (atomic). Real SSA tracks ownership per field and reports conflicts; this does not.
 */
export function serverSideApply(live: Json, prevApplied: Json, applied: Json): Json {
  return applyMerge(removeDropped(live, prevApplied, applied), applied);
}
