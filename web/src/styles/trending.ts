// <flock-trending>'s own styles (the ones several components share are in shared.ts).
import { css } from 'lit';

export const trendingStyles = css`
  section {
    padding: 1rem 1.1rem;
  }
  h2 {
    font-size: 1.05rem;
    margin: 0 0 0.5rem;
  }
  .window {
    color: var(--flock-muted);
    font-weight: 400;
    font-size: 0.875rem;
  }
  ol {
    list-style: none;
    margin: 0;
    padding: 0;
    display: grid;
    gap: 0.15rem;
  }
  a {
    /* The containing block of its visually hidden text: else that text, placed at the chip's
       spot in a row scrolled sideways, widens the whole page on phones. */
    position: relative;
    display: flex;
    justify-content: space-between;
    gap: 1rem;
    padding: 0.3rem 0.5rem;
    margin: 0 -0.5rem;
    border-radius: 8px;
    text-decoration: none;
    font-weight: 600;
  }
  a:hover {
    background: var(--flock-surface-2);
  }
  .tag {
    min-width: 0;
    overflow-wrap: anywhere;
  }
  .count {
    color: var(--flock-muted);
    font-weight: 400;
    font-variant-numeric: tabular-nums;
  }
  p {
    margin: 0;
  }
  @media (max-width: 52rem) {
    section {
      padding: 0.6rem 0.75rem;
      display: flex;
      align-items: center;
      gap: 0.75rem;
    }
    h2 {
      margin: 0;
      font-size: 0.95rem;
      white-space: nowrap;
    }
    ol {
      display: flex;
      /* Without it the row grows to its longest tags and widens the page instead of scrolling. */
      min-width: 0;
      gap: 0.4rem;
      overflow-x: auto;
      scrollbar-width: none;
    }
    a {
      margin: 0;
      padding: 0.2rem 0.6rem;
      background: var(--flock-surface-2);
      border-radius: 999px;
      white-space: nowrap;
      gap: 0.4rem;
    }
  }
`;
