// <flock-tabs>' own styles: two tabs on one line, the current one underlined in the accent colour.
import { css } from 'lit';

export const tabsStyles = css`
  nav {
    display: flex;
    gap: 0.25rem;
    margin-bottom: 1rem;
    border-bottom: 1px solid var(--flock-border);
  }
  a {
    flex: 1;
    max-width: 10rem;
    text-align: center;
    padding: 0.6rem 1rem;
    font-weight: 600;
    color: var(--flock-muted);
    text-decoration: none;
    border-bottom: 3px solid transparent;
    margin-bottom: -1px;
  }
  a:hover {
    color: var(--flock-text);
    background: var(--flock-surface-2);
  }
  a[aria-current='page'] {
    color: var(--flock-text);
    border-bottom-color: var(--flock-accent);
  }
`;
