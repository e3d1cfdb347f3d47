// <flock-avatar>'s own styles: a circle, its colours from the account's hue, lighter or darker with the
// colour scheme.
import { css } from 'lit';

export const avatarStyles = css`
  :host {
    display: inline-block;
    flex: none;
    width: 2.5rem;
    height: 2.5rem;
    line-height: 0;
  }
  :host([size='large']) {
    width: 5rem;
    height: 5rem;
  }
  svg {
    width: 100%;
    height: 100%;
    border-radius: 50%;
  }
  .ground {
    fill: light-dark(hsl(var(--hue) 60% 92%), hsl(var(--hue) 30% 20%));
  }
  .cell {
    fill: light-dark(hsl(var(--hue) 62% 42%), hsl(var(--hue) 70% 66%));
  }
`;
