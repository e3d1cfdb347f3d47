// <flock-message>'s own styles (the ones several components share are in shared.ts).
import { css } from 'lit';

export const messageStyles = css`
  article {
    padding: 0.9rem 1rem 0.5rem;
    display: flex;
    gap: 0.75rem;
    align-items: flex-start;
  }
  .body {
    flex: 1;
    min-width: 0;
  }
  article:focus-visible {
    outline-offset: -3px;
  }
  header {
    display: flex;
    align-items: baseline;
    gap: 0.5rem;
    flex-wrap: wrap;
  }
  .author {
    min-width: 0;
    overflow-wrap: anywhere;
    font-weight: 700;
    color: var(--flock-text);
    text-decoration: none;
  }
  .author:hover .name {
    text-decoration: underline;
  }
  .handle {
    font-weight: 400;
    color: var(--flock-muted);
  }
  .time {
    color: var(--flock-muted);
    text-decoration: none;
  }
  .time:hover {
    text-decoration: underline;
  }
  .replying {
    margin: 0.1rem 0 0;
    font-size: 0.875rem;
  }
  .replies {
    display: inline-flex;
    align-items: center;
    gap: 0.4rem;
    min-height: 2.5rem;
    padding: 0.4rem 0.6rem;
    border-radius: 999px;
    color: var(--flock-muted);
    text-decoration: none;
    font-weight: 600;
  }
  .replies:hover {
    background: var(--flock-surface-2);
  }
  .replies svg {
    width: 1.15rem;
    height: 1.15rem;
    fill: none;
    stroke: currentColor;
    stroke-width: 2;
    stroke-linejoin: round;
  }
  .badge {
    font-size: 0.75rem;
    padding: 0 0.45rem;
  }
  time {
    color: var(--flock-muted);
    font-size: 0.875rem;
  }
  .content {
    margin: 0.35rem 0 0.25rem;
    white-space: pre-wrap;
    overflow-wrap: anywhere;
  }
  .content a {
    font-weight: 600;
    text-decoration: none;
  }
  .content a:hover {
    text-decoration: underline;
  }
  .tags {
    display: flex;
    flex-wrap: wrap;
    gap: 0.35rem;
    list-style: none;
    margin: 0.25rem 0;
    padding: 0;
  }
  .tags li {
    min-width: 0;
    max-width: 100%;
  }
  .tags a {
    display: inline-block;
    max-width: 100%;
    overflow-wrap: anywhere;
    font-size: 0.875rem;
    text-decoration: none;
    padding: 0 0.5rem;
    border-radius: 999px;
    background: var(--flock-surface-2);
  }
  footer {
    display: flex;
    align-items: center;
    gap: 0.25rem;
    margin-left: -0.6rem;
  }
  .like[aria-pressed='true'] {
    color: var(--flock-like);
  }
  .like svg {
    width: 1.15rem;
    height: 1.15rem;
    fill: none;
    stroke: currentColor;
    stroke-width: 2;
  }
  .like[aria-pressed='true'] svg {
    fill: currentColor;
  }
  .confirm {
    display: inline-flex;
    align-items: center;
    gap: 0.4rem;
    margin-left: 0.5rem;
  }
  button.danger {
    background: var(--flock-danger);
    color: var(--flock-surface);
    min-height: 2rem;
    padding: 0.2rem 0.8rem;
  }
  .count {
    min-width: 1ch;
    font-variant-numeric: tabular-nums;
  }
`;
