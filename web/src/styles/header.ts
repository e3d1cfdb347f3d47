// <flock-header>'s own styles (the ones several components share are in shared.ts).
import { css } from 'lit';

export const headerStyles = css`
  :host {
    position: sticky;
    top: 0;
    z-index: 10;
  }
  header {
    height: var(--flock-header-height);
    display: flex;
    align-items: center;
    gap: 0.75rem;
    padding: 0 max(1rem, calc((100% - 72rem) / 2 + 1rem));
    background: color-mix(in srgb, var(--flock-surface) 92%, transparent);
    backdrop-filter: blur(8px);
    border-bottom: 1px solid var(--flock-border);
  }
  .brand {
    font-size: 1.3rem;
    font-weight: 800;
    letter-spacing: -0.02em;
    color: var(--flock-text);
    text-decoration: none;
    display: inline-flex;
    align-items: center;
    gap: 0.4rem;
  }
  .brand svg {
    width: 1.6rem;
    height: 1.6rem;
  }
  .spacer {
    flex: 1;
  }
  .who {
    color: var(--flock-muted);
    font-weight: 600;
    text-decoration: none;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
    max-width: 16rem;
  }
  .who:hover {
    color: var(--flock-text);
  }
  .who {
    min-width: 0;
  }
  button {
    white-space: nowrap;
    flex-shrink: 0;
  }
  @media (max-width: 52rem) {
    header {
      gap: 0.5rem;
      padding: 0 0.75rem;
    }
    .who {
      max-width: 9rem;
    }
  }
  @media (max-width: 30rem) {
    /* Phones: the logo alone names the app (the link keeps its name), leaving room for the status. */
    .brand .word {
      display: none;
    }
    header {
      padding: 0 0.5rem;
    }
    /* Not live, the status and Retry need the room: the profile link comes back once live. */
    header.not-live .who {
      display: none;
    }
    button {
      min-height: 2rem;
      padding: 0.2rem 0.7rem;
      font-size: 0.875rem;
    }
  }
`;
