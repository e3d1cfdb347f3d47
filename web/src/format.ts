// Text helpers with no DOM: message content split into text and #tags, relative times, counts.
import { findHashtags } from '@flock/shared/names';

export type Segment = { kind: 'text'; text: string } | { kind: 'tag'; text: string; tag: string };

/** The content as text and tag segments; the caller renders each as text, never as HTML. */
export function segments(content: string): Segment[] {
  const parts: Segment[] = [];
  let last = 0;
  for (const { index, text, tag } of findHashtags(content)) {
    if (index > last) parts.push({ kind: 'text', text: content.slice(last, index) });
    parts.push({ kind: 'tag', text, tag });
    last = index + text.length;
  }
  if (last < content.length) parts.push({ kind: 'text', text: content.slice(last) });
  return parts;
}

export { hashtags } from '@flock/shared/names';

const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto', style: 'short' });
const absolute = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const STEPS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['second', 60],
  ['minute', 60],
  ['hour', 24],
  ['day', 7],
];

export function timeAgo(iso: string, now = Date.now()): string {
  let value = (new Date(iso).getTime() - now) / 1000;
  if (Math.abs(value) < 10) return 'now';
  for (const [unit, size] of STEPS) {
    if (Math.abs(value) < size) return relative.format(Math.round(value), unit);
    value /= size;
  }
  return absolute.format(new Date(iso));
}

export const fullDate = (iso: string) => absolute.format(new Date(iso));

export const plural = (count: number, one: string, many = `${one}s`) =>
  `${count} ${count === 1 ? one : many}`;

/** Decimal id strings (bigints), newest first. */
export const newestFirst = (a: { id: string }, b: { id: string }) => {
  const x = BigInt(a.id);
  const y = BigInt(b.id);
  return x === y ? 0 : x > y ? -1 : 1;
};
