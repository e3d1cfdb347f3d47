// <flock-thread>'s own styles: the thread's earlier messages, the message itself (set apart by the
// accent), the reply box and the replies.
import { css } from 'lit';

export const threadStyles = css`
  h1 {
    font-size: 1.4rem;
    margin: 0 0 1rem;
  }
  h2 {
    font-size: 1.1rem;
    margin: 0;
    padding: 0.9rem 1rem 0.5rem;
  }
  ol {
    list-style: none;
    margin: 0;
    padding: 0;
  }
  li + li,
  .replies li {
    border-top: 1px solid var(--flock-border);
  }
  .ancestors {
    margin-bottom: 0.5rem;
    overflow: hidden;
  }
  .focus {
    border: 2px solid var(--flock-accent);
    margin-bottom: 1rem;
    overflow: hidden;
  }
  flock-compose {
    margin-bottom: 1rem;
  }
  .replies {
    overflow: hidden;
  }
  h2:focus,
  .deleted:focus {
    outline: none;
  }
  .deleted {
    margin: 0;
    padding: 1rem;
    font-style: italic;
  }
  .empty {
    margin: 0;
    padding: 1rem;
  }
  .more {
    display: flex;
    justify-content: center;
    padding: 1rem;
  }
  [role='alert'] {
    padding: 0.75rem 1rem;
    margin-bottom: 1rem;
    display: flex;
    gap: 1rem;
    align-items: center;
    flex-wrap: wrap;
  }
`;
