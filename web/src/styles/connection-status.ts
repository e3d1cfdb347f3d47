// <flock-connection-status>'s own styles (the ones several components share are in shared.ts).
import { css } from 'lit';
import { visuallyHidden } from './shared.ts';

export const connectionStatusStyles = css`
  :host {
    display: inline-flex;
    align-items: center;
    gap: 0.4rem;
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
  /* The mark's shape tells the state without colour: a filled dot (live), a ring (connecting), a
     half-filled ring (reconnecting), a bar (offline). */
  i {
    box-sizing: border-box;
    width: 0.7rem;
    height: 0.7rem;
    border-radius: 50%;
    border: 2px solid currentColor;
  }
  :host([status='live']) i {
    background: currentColor;
    box-shadow: 0 0 0 3px color-mix(in srgb, var(--flock-ok) 25%, transparent);
  }
  :host([status='reconnecting']) i {
    background: linear-gradient(90deg, currentColor 50%, transparent 50%);
  }
  :host([status='offline']) i {
    height: 0.25rem;
    border-radius: 2px;
    background: currentColor;
  }
  :host([status='live']) .pill {
    color: var(--flock-ok);
  }
  :host([status='reconnecting']) .pill,
  :host([status='connecting']) .pill {
    color: var(--flock-warn);
  }
  :host([status='offline']) .pill {
    color: var(--flock-muted);
  }
  button.retry {
    min-height: 2rem;
    white-space: nowrap;
    padding: 0.2rem 0.65rem;
    font-size: 0.875rem;
  }
  @media (max-width: 30rem) {
    /* Phones: while live, the mark alone (its words stay for screen readers); any other state is
       spelled out, since that is when the reader needs to know. */
    :host([status='live']) .pill {
      padding: 0.55rem;
    }
    :host([status='live']) .label {
      ${visuallyHidden}
    }
    :host {
      gap: 0.3rem;
    }
    .pill {
      padding-inline: 0.5rem;
    }
  }
`;
