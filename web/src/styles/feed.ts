// <flock-feed>'s own styles (the ones several components share are in shared.ts).
import { css } from 'lit';

export const feedStyles = css`
  flock-compose {
    margin-bottom: 1rem;
  }
  .banner-slot {
    position: sticky;
    top: calc(var(--flock-header-height) + 0.5rem);
    z-index: 5;
    display: flex;
    justify-content: center;
    height: 0;
    overflow: visible;
  }
  .banner {
    box-shadow: 0 4px 14px rgb(0 0 0 / 0.2);
  }
  ol {
    list-style: none;
    margin: 0;
    padding: 0;
    overflow: hidden;
  }
  ol:focus {
    outline: none;
  }
  li + li {
    border-top: 1px solid var(--flock-border);
  }
  .more {
    display: flex;
    justify-content: center;
    padding: 1.25rem 0;
    min-height: 4rem;
  }
  .empty {
    padding: 2rem 1rem;
    text-align: center;
  }
  [role='alert'] {
    padding: 0.75rem 1rem;
    display: flex;
    gap: 1rem;
    align-items: center;
    flex-wrap: wrap;
  }
`;
