// An account's generated avatar (src/avatar.ts): the same picture for the same username everywhere,
// drawn here as SVG, with the account's name as its accessible name.
import { html, LitElement, svg } from 'lit';
import { styleMap } from 'lit/directives/style-map.js';
import { AVATAR_GRID, avatarOf } from '../avatar.ts';
import { avatarStyles } from '../styles/avatar.ts';

export class FlockAvatar extends LitElement {
  static override properties = { username: {}, size: { reflect: true } };

  static override styles = avatarStyles;

  declare username: string;
  /** `small` on messages and lists, `large` on a profile. */
  declare size: 'small' | 'large';

  constructor() {
    super();
    this.username = '';
    this.size = 'small';
  }

  override render() {
    const { hue, cells } = avatarOf(this.username);
    // One cell of margin all round, as identicons have, so the pattern reads inside the circle.
    const box = AVATAR_GRID + 2;
    return html`<svg
      viewBox="0 0 ${box} ${box}"
      role="img"
      aria-label="Avatar of @${this.username}"
      style=${styleMap({ '--hue': String(hue) })}
    >
      <rect class="ground" width=${box} height=${box} />
      ${cells.map(([x, y]) => svg`<rect class="cell" x=${x + 1} y=${y + 1} width="1.02" height="1.02" />`)}
    </svg>`;
  }
}

customElements.define('flock-avatar', FlockAvatar);

declare global {
  interface HTMLElementTagNameMap {
    'flock-avatar': FlockAvatar;
  }
}
