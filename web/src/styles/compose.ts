// <flock-compose>'s own styles (the ones several components share are in shared.ts).
import { css } from 'lit';

export const composeStyles = css`
  form {
    padding: 1rem;
    display: grid;
    /* minmax(0, …): a long tag wraps instead of widening the form past the screen. */
    grid-template-columns: minmax(0, 1fr);
    gap: 0.6rem;
  }
  textarea {
    resize: vertical;
    min-height: 5.5rem;
    line-height: 1.45;
  }
  .tags {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.4rem;
  }
  ul {
    display: contents;
    list-style: none;
  }
  .chip {
    display: inline-flex;
    align-items: center;
    max-width: 100%;
    gap: 0.15rem;
    padding: 0.1rem 0.2rem 0.1rem 0.65rem;
    border-radius: 999px;
    background: var(--flock-accent-soft);
    color: var(--flock-text);
    font-size: 0.9rem;
    font-weight: 600;
  }
  .chip .name {
    min-width: 0;
    overflow-wrap: anywhere;
  }
  .chip.auto {
    padding-right: 0.65rem;
  }
  .chip button {
    min-height: 1.75rem;
    width: 1.75rem;
    padding: 0;
    background: transparent;
    color: inherit;
    font-size: 1.1rem;
    line-height: 1;
  }
  .tag-input {
    flex: 1 1 9rem;
    min-width: 0;
    max-width: 14rem;
  }
  .tag-input input {
    padding: 0.3rem 0.7rem;
    border-radius: 999px;
  }
  .actions {
    display: flex;
    align-items: center;
    justify-content: flex-end;
    gap: 1rem;
  }
  .counter {
    font-variant-numeric: tabular-nums;
    font-size: 0.9rem;
  }
  .counter.near {
    color: var(--flock-warn);
    font-weight: 600;
  }
  .counter.over {
    color: var(--flock-danger);
    font-weight: 700;
  }
  p {
    margin: 0;
  }
`;
