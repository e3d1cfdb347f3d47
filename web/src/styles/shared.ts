// Styles several components adopt: controls, focus rings, cards, badges, the visually hidden helper.
// Each component's own styles are in the module named after it.
import { css } from 'lit';

/** Hidden on screen, still read by screen readers (the declarations, for a rule of one's own). */
export const visuallyHidden = css`
  position: absolute;
  width: 1px;
  height: 1px;
  overflow: hidden;
  clip-path: inset(50%);
  white-space: nowrap;
`;

export const base = css`
  :host {
    display: block;
    color: var(--flock-text);
    font-family: var(--flock-font);
  }
  *,
  *::before,
  *::after {
    box-sizing: border-box;
  }
  a {
    color: var(--flock-accent);
    text-underline-offset: 0.15em;
  }
  :focus-visible {
    outline: 3px solid var(--flock-focus);
    outline-offset: 2px;
    border-radius: 4px;
  }
  .visually-hidden {
    ${visuallyHidden}
  }
  .card {
    background: var(--flock-surface);
    border: 1px solid var(--flock-border);
    border-radius: var(--flock-radius);
  }
  .muted {
    color: var(--flock-muted);
  }
  .error {
    color: var(--flock-danger);
  }
  .badge {
    font-weight: 700;
    text-transform: uppercase;
    letter-spacing: 0.04em;
    border-radius: 999px;
    color: var(--flock-accent);
    background: var(--flock-accent-soft);
  }
`;

export const controls = css`
  button,
  .button {
    font: inherit;
    font-weight: 600;
    min-height: 2.5rem;
    padding: 0.4rem 1rem;
    border-radius: 999px;
    border: 1px solid transparent;
    background: var(--flock-accent);
    color: var(--flock-on-accent);
    cursor: pointer;
    text-decoration: none;
    display: inline-flex;
    align-items: center;
    justify-content: center;
    gap: 0.4rem;
  }
  button:disabled {
    opacity: 0.55;
    cursor: not-allowed;
  }
  button.secondary {
    background: transparent;
    color: var(--flock-text);
    border-color: var(--flock-border);
  }
  button.ghost {
    background: transparent;
    color: var(--flock-muted);
    border-color: transparent;
    padding-inline: 0.6rem;
  }
  button.ghost:hover:not(:disabled),
  button.secondary:hover:not(:disabled) {
    background: var(--flock-surface-2);
  }
  label {
    font-weight: 600;
  }
  input,
  textarea {
    font: inherit;
    color: var(--flock-text);
    background: var(--flock-surface);
    border: 1px solid var(--flock-muted);
    border-radius: 8px;
    padding: 0.55rem 0.7rem;
    width: 100%;
  }
  input[type='checkbox'] {
    width: 1.1rem;
    height: 1.1rem;
    accent-color: var(--flock-accent);
  }
  input[aria-invalid='true'] {
    border-color: var(--flock-danger);
  }
`;
