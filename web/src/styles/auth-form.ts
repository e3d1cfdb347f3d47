// <flock-auth-form>'s own styles (the ones several components share are in shared.ts).
import { css } from 'lit';

export const authFormStyles = css`
  section {
    padding: 1.75rem;
  }
  h1 {
    font-size: 1.5rem;
    margin: 0 0 0.25rem;
  }
  form {
    display: grid;
    gap: 0.35rem;
    margin-top: 1.25rem;
  }
  .field + .field {
    margin-top: 0.65rem;
  }
  .field {
    display: grid;
    gap: 0.3rem;
  }
  .hint {
    font-size: 0.875rem;
  }
  .check {
    display: flex;
    align-items: center;
    gap: 0.5rem;
    margin-top: 0.75rem;
    font-weight: 400;
  }
  button[type='submit'] {
    margin-top: 1rem;
    width: 100%;
  }
  .notice {
    margin: 1rem 0 0;
    padding: 0.6rem 0.8rem;
    border-radius: 8px;
    background: var(--flock-accent-soft);
  }
  .switch {
    margin: 1.25rem 0 0;
    text-align: center;
  }
  [role='alert'] {
    margin: 0.5rem 0 0;
  }
`;
