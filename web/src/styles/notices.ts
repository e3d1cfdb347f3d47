// <flock-notices>'s own styles (the ones several components share are in shared.ts).
import { css } from 'lit';

export const noticesStyles = css`
  :host {
    position: fixed;
    inset: auto 0 max(1rem, env(safe-area-inset-bottom)) 0;
    z-index: 30;
    display: flex;
    flex-direction: column;
    align-items: center;
    gap: 0.5rem;
    pointer-events: none;
  }
  .region {
    display: contents;
  }
  .notice {
    pointer-events: auto;
    display: flex;
    align-items: center;
    gap: 0.5rem;
    max-width: min(36rem, calc(100vw - 2rem));
    margin: 0;
    padding: 0.35rem 0.4rem 0.35rem 1rem;
    border-radius: 12px;
    background: var(--flock-text);
    color: var(--flock-surface);
    box-shadow: 0 6px 24px rgb(0 0 0 / 25%);
    overflow-wrap: anywhere;
  }
  .notice.error {
    background: var(--flock-danger);
    color: light-dark(#ffffff, #1c0705);
  }
  .notice button {
    color: inherit;
    min-height: 2.25rem;
    flex-shrink: 0;
  }
`;
