// <flock-connection-status>'s own styles (the ones several components share are in shared.ts).
import { css } from 'lit';
import { visuallyHidden } from './shared.ts';

export const connectionStatusStyles = css`
  :host {
    display: inline-flex;
  }
  .pill {
    display: inline-flex;
    align-items: center;
    gap: 0.4rem;
    padding: 0.2rem 0.65rem;
    border-radius: 999px;
    font-size: 0.875rem;
    font-weight: 600;
    background: var(--flock-surface-2);
    white-space: nowrap;
  }
  i {
    width: 0.6rem;
    height: 0.6rem;
    border-radius: 50%;
    background: var(--flock-muted);
  }
  :host([status='live']) i {
    background: var(--flock-ok);
    box-shadow: 0 0 0 3px color-mix(in srgb, var(--flock-ok) 25%, transparent);
  }
  :host([status='live']) .pill {
    color: var(--flock-ok);
  }
  :host([status='reconnecting']) i,
  :host([status='connecting']) i {
    background: var(--flock-warn);
  }
  @media (max-width: 30rem) {
    /* Phones: the dot alone (its words stay for screen readers). */
    .pill {
      padding: 0.55rem;
    }
    .label {
      ${visuallyHidden}
    }
  }
  :host([status='reconnecting']) .pill {
    color: var(--flock-warn);
  }
`;
