// <flock-accounts>' own styles: the heading with its links, and one row per account.
import { css } from 'lit';

export const accountsStyles = css`
  .head {
    margin-bottom: 1rem;
  }
  h1 {
    font-size: 1.4rem;
    margin: 0 0 0.5rem;
    overflow-wrap: anywhere;
  }
  nav {
    display: flex;
    gap: 1rem;
    flex-wrap: wrap;
  }
  nav a[aria-current='page'] {
    font-weight: 700;
    color: var(--flock-text);
  }
  ul {
    list-style: none;
    margin: 0;
    padding: 0;
  }
  li + li {
    border-top: 1px solid var(--flock-border);
  }
  .account {
    display: flex;
    gap: 0.75rem;
    align-items: flex-start;
    padding: 0.8rem 1rem;
    color: var(--flock-text);
    text-decoration: none;
  }
  .account:hover {
    background: var(--flock-surface-2);
  }
  .account:focus-visible {
    outline-offset: -3px;
  }
  .who {
    display: grid;
    gap: 0.15rem;
    min-width: 0;
  }
  .names {
    display: flex;
    flex-wrap: wrap;
    align-items: baseline;
    gap: 0 0.5rem;
    overflow-wrap: anywhere;
  }
  .display {
    font-weight: 700;
  }
  .display + .handle {
    color: var(--flock-muted);
  }
  .handle:first-child {
    font-weight: 700;
  }
  .badge {
    font-size: 0.75rem;
    padding: 0 0.45rem;
  }
  .bio {
    overflow-wrap: anywhere;
    font-size: 0.9rem;
  }
  .empty {
    margin: 0;
    padding: 2rem 1rem;
    text-align: center;
  }
  .more {
    display: flex;
    justify-content: center;
    padding: 1rem;
  }
  [role='alert'] {
    padding: 0.75rem 1rem;
    display: flex;
    gap: 1rem;
    align-items: center;
    flex-wrap: wrap;
  }
`;
