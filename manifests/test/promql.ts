// Just enough PromQL lexing to list the metric names a query reads (for "no panel refers to a metric
// that does not exist"): strings, label matchers, ranges and label lists are removed, then every
// identifier that is neither a function call, a keyword nor a number is a metric name.
const KEYWORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'or',
  'and',
  'unless',
  'bool',
  'offset',
  'inf',
  'nan',
]);

export function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const names = new Set<string>();
  for (const match of stripped.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const word = match[0];
    const after = stripped.slice(match.index + word.length).trimStart();
    const before = stripped[match.index - 1] ?? '';
    if (after.startsWith('(') || KEYWORDS.has(word.toLowerCase()) || /[0-9.]/.test(before)) continue;
    names.add(word);
  }
  return [...names];
}
