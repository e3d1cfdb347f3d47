// <flock-profile>'s own styles (the ones several components share are in shared.ts).
import { css } from 'lit';

export const profileStyles = css`
  .profile {
    padding: 1.25rem;
    margin-bottom: 1rem;
  }
  h1 {
    font-size: 1.5rem;
    margin: 0;
    display: flex;
    align-items: center;
    gap: 0.6rem;
  }
  h1 .name {
    min-width: 0;
    overflow-wrap: anywhere;
  }
  .badge {
    font-size: 0.8rem;
    padding: 0.05rem 0.5rem;
  }
  p {
    margin: 0.25rem 0 0;
  }
  dl {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem 1.5rem;
    margin: 1rem 0 0;
  }
  dl div {
    display: flex;
    flex-direction: column-reverse;
  }
  dt {
    color: var(--flock-muted);
    font-size: 0.875rem;
  }
  dd {
    margin: 0;
    font-size: 1.2rem;
    font-weight: 700;
    font-variant-numeric: tabular-nums;
  }
  h2 {
    font-size: 1.1rem;
    margin: 0 0 0.75rem;
  }
`;
