// The generated avatar of an account, from its username alone (no DOM, no service): a 5×5 pattern,
// mirrored left to right like the identicons people know, in a hue of its own. The same username gives
// the same avatar in every browser, so a face is recognised before its name is read.

/** 32-bit FNV-1a of the text's UTF-16 code units: small, fast, and spreads similar names apart. */
export function hash(text: string): number {
  let value = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    value ^= text.charCodeAt(i);
    value = Math.imul(value, 0x01000193) >>> 0;
  }
  return value;
}

export interface Avatar {
  /** 0–359: the colour of the filled cells (and, lighter, of the background). */
  hue: number;
  /** The filled cells, as [column, row] of a 5×5 grid, left to right, top to bottom. */
  cells: [number, number][];
}

export const AVATAR_GRID = 5;

export function avatarOf(username: string): Avatar {
  const bits = hash(username);
  // The first 15 bits fill the three columns left of and on the middle; the two on the right mirror them.
  const cells: [number, number][] = [];
  for (let row = 0; row < AVATAR_GRID; row++) {
    for (let column = 0; column < AVATAR_GRID; column++) {
      const source = column < 3 ? column : AVATAR_GRID - 1 - column;
      if ((bits >>> (row * 3 + source)) & 1) cells.push([column, row]);
    }
  }
  // A near-empty grid says little: its negative is as deterministic and says more.
  if (cells.length < 4) return { hue: hueOf(username, bits), cells: inverse(cells) };
  return { hue: hueOf(username, bits), cells };
}

function inverse(cells: [number, number][]): [number, number][] {
  const filled = new Set(cells.map(([column, row]) => row * AVATAR_GRID + column));
  const all: [number, number][] = [];
  for (let index = 0; index < AVATAR_GRID * AVATAR_GRID; index++) {
    if (!filled.has(index)) all.push([index % AVATAR_GRID, Math.floor(index / AVATAR_GRID)]);
  }
  return all;
}

function hueOf(username: string, bits: number) {
  // The other bits choose the hue (a mix, so a name's last letter moves it too).
  return ((hash(`${username}#hue`) ^ (bits >>> 15)) >>> 0) % 360;
}
