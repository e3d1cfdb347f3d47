// <flock-profile>'s own styles (the ones several components share are in shared.ts).
import { css } from 'lit';

export const profileStyles = css`
  .profile {
    padding: 1.25rem;
    margin-bottom: 1rem;
  }
  .top {
    display: flex;
    align-items: center;
    gap: 1rem;
    flex-wrap: wrap;
  }
  h1 {
    /* Beside the avatar; on a phone the button goes under them rather than squeezing the name. */
    flex: 1 1 14rem;
    min-width: 0;
    font-size: 1.5rem;
    margin: 0;
    display: flex;
    align-items: baseline;
    gap: 0 0.6rem;
    flex-wrap: wrap;
  }
  h1 .display,
  h1 .name {
    min-width: 0;
    overflow-wrap: anywhere;
  }
  h1 .display + .name {
    font-size: 1rem;
    font-weight: 400;
    color: var(--flock-muted);
  }
  .bio {
    margin: 0.75rem 0 0.25rem;
    white-space: pre-wrap;
    overflow-wrap: anywhere;
  }
  dt a {
    color: inherit;
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
