// <flock-app>'s own styles (the ones several components share are in shared.ts).
import { css } from 'lit';

export const appStyles = css`
  :host {
    min-height: 100vh;
  }
  .skip {
    position: absolute;
    left: 0.5rem;
    top: -3rem;
    z-index: 20;
    background: var(--flock-surface);
    padding: 0.5rem 1rem;
    border-radius: 8px;
  }
  .skip:focus {
    top: 0.5rem;
  }
  .layout {
    display: grid;
    grid-template-columns: minmax(0, 1fr) 18rem;
    grid-template-areas: 'main side';
    gap: 1.5rem;
    max-width: 72rem;
    margin: 0 auto;
    padding: 1.25rem 1rem 4rem;
  }
  main {
    grid-area: main;
    min-width: 0;
  }
  main:focus {
    outline: none;
  }
  nav {
    grid-area: side;
  }
  nav flock-trending {
    position: sticky;
    top: calc(var(--flock-header-height) + 1.25rem);
  }
  .activity-link {
    display: block;
    margin-top: 0.75rem;
    padding: 0 0.25rem;
    font-weight: 600;
  }
  .signed-out .layout {
    display: block;
    max-width: 28rem;
    padding-top: 3rem;
  }
  h1 {
    font-size: 1.4rem;
    margin: 0 0 1rem;
    /* A tag or username may be 50 characters with no break: wrap it rather than cut it off. */
    min-width: 0;
    overflow-wrap: anywhere;
  }
  .view-head {
    display: flex;
    align-items: baseline;
    gap: 1rem;
    flex-wrap: wrap;
    margin-bottom: 1rem;
  }
  .view-head h1 {
    margin: 0;
  }
  @media (max-width: 52rem) {
    .layout {
      grid-template-columns: minmax(0, 1fr);
      grid-template-areas: 'side' 'main';
      gap: 1rem;
      padding: 0.75rem 0.5rem 3rem;
    }
    nav flock-trending {
      position: static;
    }
    .activity-link {
      margin-top: 0.4rem;
    }
  }
`;
