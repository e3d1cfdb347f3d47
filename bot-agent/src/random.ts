// A small seeded PRNG (sfc32), so a run with a given SEED makes the same choices every time. Each bot
// gets its own stream, derived from the seed and its name, so adding a bot never shifts another's choices.
import { createHash } from 'node:crypto';

export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [min, max], both inclusive. */
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  /** `count` distinct items (fewer when there are fewer), in random order. */
  sample<T>(items: readonly T[], count: number): T[];
  /** An exponential variate with the given rate (events per unit): the gap of a Poisson process. */
  exponential(rate: number): number;
}

export function createRandom(seed: string): Random {
  const digest = createHash('sha256').update(seed).digest();
  let a = digest.readUInt32LE(0);
  let b = digest.readUInt32LE(4);
  let c = digest.readUInt32LE(8);
  let d = digest.readUInt32LE(12);

  const nextUint32 = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  // sfc32's authors discard the first outputs so that similar seeds diverge.
  for (let i = 0; i < 15; i++) nextUint32();

  const next = () => nextUint32() / 4294967296;
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));

  return {
    next,
    int,
    pick<T>(items: readonly T[]): T {
      if (items.length === 0) throw new RangeError('pick from an empty list');
      return items[int(0, items.length - 1)] as T;
    },
    sample<T>(items: readonly T[], count: number): T[] {
      const pool = [...items];
      const n = Math.min(count, pool.length);
      // A partial Fisher–Yates shuffle: the first n places end up a uniform sample.
      for (let i = 0; i < n; i++) {
        const j = int(i, pool.length - 1);
        [pool[i], pool[j]] = [pool[j] as T, pool[i] as T];
      }
      return pool.slice(0, n);
    },
    exponential(rate: number): number {
      if (!(rate > 0)) return Number.POSITIVE_INFINITY;
      // 1 - next() is in (0, 1]: the logarithm is always finite.
      return -Math.log(1 - next()) / rate;
    },
  };
}

/** A seed for one bot's stream: the run's seed and the bot's stable name. */
export const botSeed = (runSeed: string, botName: string) => `${runSeed}\u0000${botName}`;
