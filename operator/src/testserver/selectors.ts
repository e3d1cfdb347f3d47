/** Label and field selectors (the API server's grammar) and the JSONPath subset printer columns use. */

type Requirement =
  | { key: string; op: '=' | '!='; values: [string] }
  | { key: string; op: 'in' | 'notin'; values: string[] }
  | { key: string; op: 'exists' | '!' };

export class SelectorError extends Error {}

export function parseLabelSelector(s: string | null | undefined): Requirement[] {
  if (!s) return [];
  const reqs: Requirement[] = [];
  // Split on commas that are not inside parentheses.
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  for (const raw of parts) {
    const p = raw.trim();
    if (!p) continue;
    let m = /^([\w./-]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(p);
    if (m) {
      reqs.push({ key: m[1]!, op: m[2] as 'in' | 'notin', values: m[3]!.split(',').map((v) => v.trim()) });
      continue;
    }
    m = /^([\w./-]+)\s*(==|=|!=)\s*([\w./-]*)$/.exec(p);
    if (m) {
      reqs.push({ key: m[1]!, op: m[2] === '!=' ? '!=' : '=', values: [m[3]!] });
      continue;
    }
    m = /^(!?)([\w./-]+)$/.exec(p);
    if (m) {
      reqs.push(m[1] ? { key: m[2]!, op: '!' } : { key: m[2]!, op: 'exists' });
      continue;
    }
    throw new SelectorError(`unable to parse requirement: ${JSON.stringify(p)}`);
  }
  return reqs;
}

export function matchLabels(reqs: Requirement[], labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {};
  return reqs.every((r) => {
    const has = Object.hasOwn(l, r.key);
    const v = l[r.key];
    switch (r.op) {
      case '=':
        return has && v === r.values[0];
      case '!=':
        return !has || v !== r.values[0];
      case 'in':
        return has && r.values.includes(v!);
      case 'notin':
        return !has || !r.values.includes(v!);
      case 'exists':
        return has;
      case '!':
        return !has;
    }
    return false;
  });
}

/**
 * Field selectors, = / == / !=, on metadata.name and metadata.namespace (every resource) and on
 * Event fields such as involvedObject.uid (what `kubectl describe` asks for).
 */
const FIELDS =
  /^(metadata\.(name|namespace)|involvedObject\.(name|namespace|uid|kind|apiVersion)|reason|type)$/;
export function parseFieldSelector(
  s: string | null | undefined,
): Array<{ path: string; op: '=' | '!='; value: string }> {
  if (!s) return [];
  return s
    .split(',')
    .filter((p) => p.trim())
    .map((p) => {
      const m = /^([\w.]+)\s*(==|=|!=)\s*(.*)$/.exec(p.trim());
      if (!m) throw new SelectorError(`invalid field selector: ${JSON.stringify(p)}`);
      if (!FIELDS.test(m[1]!)) {
        throw new SelectorError(`field label not supported: ${m[1]}`);
      }
      return { path: m[1]!, op: m[2] === '!=' ? '!=' : '=', value: m[3]! };
    });
}

export function matchFields(
  reqs: ReturnType<typeof parseFieldSelector>,
  obj: Record<string, unknown>,
): boolean {
  return reqs.every((r) => {
    const raw = jsonPath(obj, `.${r.path}`);
    const v = raw === undefined || raw === null ? '' : String(raw);
    return r.op === '=' ? v === r.value : v !== r.value;
  });
}

/** The JSONPath subset used by printer columns: `.a.b`, `.a[0]`, `.a[?(@.k=="v")].b`. */
export function jsonPath(obj: unknown, path: string): unknown {
  const tokens = path.match(/\.[^.[\]]+|\[\?\(@\.[\w.]+\s*==\s*["'][^"']*["']\)\]|\[\d+\]/g) ?? [];
  let cur: unknown[] = [obj];
  for (const t of tokens) {
    const next: unknown[] = [];
    for (const c of cur) {
      if (c === null || c === undefined) continue;
      if (t.startsWith('.')) {
        const v = (c as Record<string, unknown>)[t.slice(1)];
        if (v !== undefined) next.push(v);
      } else if (t.startsWith('[?')) {
        const m = /^\[\?\(@\.([\w.]+)\s*==\s*["']([^"']*)["']\)\]$/.exec(t)!;
        if (Array.isArray(c)) {
          for (const item of c) if (String(jsonPath(item, `.${m[1]}`)) === m[2]) next.push(item);
        }
      } else if (Array.isArray(c)) {
        const v = c[Number(t.slice(1, -1))];
        if (v !== undefined) next.push(v);
      }
    }
    cur = next;
  }
  return cur[0];
}
