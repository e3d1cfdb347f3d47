/**
 * Does a live object already carry what the operator wants? Judged the way the API server stores and
 * server-side apply merges, not field by field as written: a field left out because it is empty
 * (`omitempty`: `value: ""`, `false`, `0`, `{}`, `[]`) equals the empty value; a quantity equals its
 * canonical form (`0.5` is `500m`, `1024Mi` is `1Gi`); a list merged by key (containers, env, ports,
 * volumes, volumeMounts) matches item by key whatever the order, and other managers' items beside ours
 * are theirs. Everything else compares as is. What the server adds (defaults, status) is not drift.
 */
// client-node's quantity parser (the one its `top` uses), published in dist/ but not re-exported.
import { quantityToScalar } from '@kubernetes/client-node/dist/util.js';

/** The key of each list server-side apply merges item by item, by the list's field name. */
const LIST_KEYS: Record<string, (item: Record<string, unknown>) => unknown> = {
  containers: (item) => item.name,
  initContainers: (item) => item.name,
  env: (item) => item.name,
  volumes: (item) => item.name,
  volumeMounts: (item) => item.mountPath,
  // Container ports merge on containerPort, Service ports on port (each with its protocol).
  ports: (item) => `${item.containerPort ?? item.port}/${item.protocol ?? 'TCP'}`,
};

const QUANTITY_MAPS = new Set(['limits', 'requests']);

function isEmpty(value: unknown): boolean {
  if (value === '' || value === false || value === 0 || value === null) return true;
  if (Array.isArray(value)) return value.length === 0;
  return typeof value === 'object' && value !== null && Object.keys(value).length === 0;
}

function sameQuantity(desired: unknown, live: unknown): boolean {
  if (typeof desired !== 'string' || typeof live !== 'string') return false;
  try {
    return quantityToScalar(desired) === quantityToScalar(live);
  } catch {
    return false;
  }
}

/** The paths at which `live` lacks what `desired` says (empty when there is no drift). */
export function driftPaths(desired: unknown, live: unknown, path = '', field = ''): string[] {
  if (desired === undefined || desired === live) return [];
  if (live === undefined && isEmpty(desired)) return [];
  if (QUANTITY_MAPS.has(field.split('.').at(-2) ?? '') && sameQuantity(desired, live)) return [];
  if (Array.isArray(desired)) {
    if (!Array.isArray(live)) return [path || '.'];
    const key = LIST_KEYS[field.split('.').at(-1) ?? ''];
    if (key && desired.every((item) => item && typeof item === 'object')) {
      return desired.flatMap((item: Record<string, unknown>) => {
        const match = live.find((l) => l && typeof l === 'object' && key(l) === key(item));
        return driftPaths(item, match, `${path}[${String(key(item))}]`, `${field}.[]`);
      });
    }
    if (desired.length !== live.length) return [path];
    return desired.flatMap((item, i) => driftPaths(item, live[i], `${path}[${i}]`, `${field}.[]`));
  }
  if (desired && typeof desired === 'object') {
    if (!live || typeof live !== 'object' || Array.isArray(live)) return [path || '.'];
    return Object.entries(desired).flatMap(([k, v]) =>
      driftPaths(
        v,
        (live as Record<string, unknown>)[k],
        path ? `${path}.${k}` : k,
        field ? `${field}.${k}` : k,
      ),
    );
  }
  return [path];
}
