// <flock-profile-form>'s own styles, like the sign-in form's fields.
import { css } from 'lit';

export const profileFormStyles = css`
  form {
    display: grid;
    gap: 0.8rem;
    margin-top: 1rem;
  }
  .field {
    display: grid;
    gap: 0.3rem;
  }
  .hint {
    font-size: 0.875rem;
  }
  textarea {
    resize: vertical;
  }
  .actions {
    display: flex;
    gap: 0.5rem;
    flex-wrap: wrap;
  }
  [role='alert'] {
    margin: 0;
  }
`;
