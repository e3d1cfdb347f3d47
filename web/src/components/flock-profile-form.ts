// The owner's edit of their profile: display name and bio. Saving sends both (an empty name clears it);
// the API's answer goes up as `flock-profile-saved`. A refused field is told in the API's words beside
// it, and gets the focus, as in the sign-up form.
import { BIO_MAX_LENGTH, DISPLAY_NAME_MAX_LENGTH, type Profile } from '@flock/shared/api';
import { ContextConsumer } from '@lit/context';
import { html, LitElement, nothing } from 'lit';
import { ApiError } from '../api.ts';
import { apiContext } from '../context.ts';
import { flockEvent } from '../events.ts';
import { profileFormStyles } from '../styles/profile-form.ts';
import { base, controls } from '../styles/shared.ts';

const LABELS: Record<string, string> = { displayName: 'Display name', bio: 'Bio' };

export class FlockProfileForm extends LitElement {
  static override properties = {
    profile: { attribute: false },
    _bio: { state: true },
    _busy: { state: true },
    _error: { state: true },
    _fieldErrors: { state: true },
  };

  static override styles = [base, controls, profileFormStyles];

  declare profile: Profile;
  declare _bio: string;
  declare _busy: boolean;
  declare _error: string | undefined;
  declare _fieldErrors: Record<string, string>;

  readonly #api = new ContextConsumer(this, { context: apiContext });

  constructor() {
    super();
    this._bio = '';
    this._busy = false;
    this._fieldErrors = {};
  }

  protected override willUpdate(changed: Map<PropertyKey, unknown>) {
    if (changed.has('profile')) this._bio = this.profile?.bio ?? '';
  }

  override render() {
    const left = BIO_MAX_LENGTH - [...this._bio].length;
    return html`<form @submit=${this.#submit} aria-label="Edit your profile">
      ${this.#field(
        'displayName',
        html`<input
          id="displayName"
          name="displayName"
          maxlength=${DISPLAY_NAME_MAX_LENGTH}
          autocomplete="name"
          .value=${this.profile.displayName ?? ''}
          aria-invalid=${this._fieldErrors.displayName ? 'true' : 'false'}
          aria-describedby=${this._fieldErrors.displayName ? 'displayName-error' : 'displayName-hint'}
        />`,
        `Shown beside @${this.profile.username}; up to ${DISPLAY_NAME_MAX_LENGTH} characters, empty for none`,
      )}
      ${this.#field(
        'bio',
        html`<textarea
          id="bio"
          name="bio"
          rows="3"
          .value=${this.profile.bio}
          @input=${(event: InputEvent) => {
            this._bio = (event.target as HTMLTextAreaElement).value;
          }}
          aria-invalid=${this._fieldErrors.bio || left < 0 ? 'true' : 'false'}
          aria-describedby=${this._fieldErrors.bio ? 'bio-error' : 'bio-hint'}
        ></textarea>`,
        `${left} characters left`,
      )}
      ${this._error ? html`<p class="error" role="alert">${this._error}</p>` : nothing}
      <div class="actions">
        <button type="submit" ?disabled=${this._busy || left < 0}>${this._busy ? 'Saving…' : 'Save'}</button>
        <button
          type="button"
          class="secondary"
          @click=${() => this.dispatchEvent(flockEvent('flock-profile-cancel', null))}
        >
          Cancel
        </button>
      </div>
    </form>`;
  }

  #field(name: string, control: unknown, hint: string) {
    const error = this._fieldErrors[name];
    return html`<div class="field">
      <label for=${name}>${LABELS[name]}</label>
      ${control}
      ${
        error
          ? html`<span id="${name}-error" class="hint error">${error}</span>`
          : html`<span id="${name}-hint" class="hint muted">${hint}</span>`
      }
    </div>`;
  }

  async #submit(event: SubmitEvent) {
    event.preventDefault();
    const api = this.#api.value;
    if (!api || this._busy) return;
    const data = new FormData(event.target as HTMLFormElement);
    const displayName = String(data.get('displayName') ?? '');
    this._busy = true;
    this._error = undefined;
    this._fieldErrors = {};
    try {
      // An empty name clears it; any other is the API's to judge (a name of spaces only is refused).
      const profile = await api.updateProfile(this.profile.username, {
        displayName: displayName === '' ? null : displayName,
        bio: String(data.get('bio') ?? ''),
      });
      this.dispatchEvent(flockEvent('flock-profile-saved', profile));
    } catch (error) {
      if (error instanceof ApiError) {
        const shown = error.details.filter((detail) => detail.field in LABELS);
        this._fieldErrors = Object.fromEntries(
          shown.map((detail) => [detail.field, `${LABELS[detail.field]} ${detail.message}.`]),
        );
        this._error = shown.length > 0 && shown.length === error.details.length ? undefined : error.message;
        const first = shown[0];
        if (first) {
          await this.updateComplete;
          this.renderRoot.querySelector<HTMLElement>(`#${first.field}`)?.focus();
        }
      } else {
        this._error = 'Something went wrong. Please try again.';
      }
    } finally {
      this._busy = false;
    }
  }
}

customElements.define('flock-profile-form', FlockProfileForm);

declare global {
  interface HTMLElementTagNameMap {
    'flock-profile-form': FlockProfileForm;
  }
}
