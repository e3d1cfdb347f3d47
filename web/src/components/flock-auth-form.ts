// Sign in and sign up: one form with two modes. On success it dispatches `flock-signed-in`; the app keeps
// the session. The API's field errors are shown next to their fields.
import { ANY_CASE_USERNAME_BODY, USERNAME_MAX_LENGTH, USERNAME_MIN_LENGTH } from '@flock/shared/names';
import { ContextConsumer } from '@lit/context';
import { html, LitElement, nothing } from 'lit';
import { ApiError } from '../api.ts';
import { apiContext } from '../context.ts';
import { CountdownController } from '../controllers/countdown.ts';
import { flockEvent } from '../events.ts';
import { plural } from '../format.ts';
import { authFormStyles } from '../styles/auth-form.ts';
import { base, controls } from '../styles/shared.ts';

type Mode = 'login' | 'signup';

export class FlockAuthForm extends LitElement {
  static override properties = {
    mode: {},
    notice: {},
    _busy: { state: true },
    _error: { state: true },
    _fieldErrors: { state: true },
    _noticeShown: { state: true },
  };

  static override styles = [base, controls, authFormStyles];

  declare mode: Mode;
  declare notice: string | undefined;
  declare _busy: boolean;
  declare _error: string | undefined;
  declare _fieldErrors: Record<string, string>;
  declare _noticeShown: boolean;

  readonly #api = new ContextConsumer(this, { context: apiContext });
  readonly #wait = new CountdownController(this);

  constructor() {
    super();
    this.mode = 'login';
    this._busy = false;
    this._fieldErrors = {};
    this._noticeShown = false;
  }

  protected override willUpdate(changed: Map<PropertyKey, unknown>) {
    if (changed.has('mode')) {
      this._error = undefined;
      this._fieldErrors = {};
    }
    if (changed.has('notice')) this._noticeShown = this.notice !== undefined;
  }

  override render() {
    const signup = this.mode === 'signup';
    return html`
      <section class="card" aria-labelledby="title">
        <h1 id="title">${signup ? 'Create your Flock account' : 'Sign in to Flock'}</h1>
        <p class="muted">${signup ? 'Short messages, #hashtags, live.' : 'Welcome back.'}</p>
        ${this._noticeShown ? html`<p class="notice" role="status">${this.notice}</p>` : nothing}
        <form @submit=${this.#submit} aria-describedby=${this._error ? 'form-error' : nothing}>
          ${
            signup
              ? html`
                  ${this.#field('username', 'Username', {
                    autocomplete: 'username',
                    pattern: ANY_CASE_USERNAME_BODY,
                    hint: `${USERNAME_MIN_LENGTH} to ${USERNAME_MAX_LENGTH} letters, digits or underscores`,
                  })}
                  ${this.#field('email', 'Email', { type: 'email', autocomplete: 'email' })}
                  ${this.#field('password', 'Password', {
                    type: 'password',
                    autocomplete: 'new-password',
                    minlength: 8,
                    hint: 'At least 8 characters',
                  })}
                  <label class="check"><input type="checkbox" name="bot" /> This is an automated (bot) account</label>
                `
              : html`
                  ${this.#field('login', 'Username or email', { autocomplete: 'username' })}
                  ${this.#field('password', 'Password', { type: 'password', autocomplete: 'current-password' })}
                `
          }
          ${this._error ? html`<p id="form-error" class="error" role="alert">${this._error}</p>` : nothing}
          ${
            this.#wait.remaining > 0
              ? html`<p class="muted wait">Try again in ${plural(this.#wait.remaining, 'second')}.</p>`
              : nothing
          }
          <button type="submit" ?disabled=${this._busy || this.#wait.remaining > 0}>
            ${this._busy ? 'Please wait…' : signup ? 'Create account' : 'Sign in'}
          </button>
        </form>
        <p class="switch">
          ${
            signup
              ? html`Already have an account? <a href="/login">Sign in</a>`
              : html`New to Flock? <a href="/signup">Create an account</a>`
          }
        </p>
      </section>
    `;
  }

  #field(
    name: string,
    label: string,
    options: { type?: string; autocomplete: string; pattern?: string; minlength?: number; hint?: string },
  ) {
    const error = this._fieldErrors[name];
    const described = [options.hint ? `${name}-hint` : '', error ? `${name}-error` : ''].join(' ').trim();
    return html`<div class="field">
      <label for=${name}>${label}</label>
      <input
        id=${name}
        name=${name}
        type=${options.type ?? 'text'}
        autocomplete=${options.autocomplete}
        pattern=${options.pattern ?? nothing}
        minlength=${options.minlength ?? nothing}
        required
        autocapitalize="off"
        spellcheck="false"
        aria-invalid=${error ? 'true' : 'false'}
        aria-describedby=${described || nothing}
      />
      ${options.hint ? html`<span id="${name}-hint" class="hint muted">${options.hint}</span>` : nothing}
      ${error ? html`<span id="${name}-error" class="hint error">${error}</span>` : nothing}
    </div>`;
  }

  #labelOf(form: HTMLFormElement, field: string) {
    return form.querySelector(`label[for="${field}"]`)?.textContent?.trim() ?? field;
  }

  #focusField(name: string) {
    this.renderRoot.querySelector<HTMLInputElement>(`input[name="${name}"]`)?.focus();
  }

  async #submit(event: SubmitEvent) {
    event.preventDefault();
    const api = this.#api.value;
    if (!api || this._busy) return;
    // Read before the first await: once dispatched, an event from a shadow root has no target.
    const form = event.target as HTMLFormElement;
    const data = new FormData(form);
    const text = (name: string) => String(data.get(name) ?? '');
    this._busy = true;
    // "You have signed out." was about before; what this attempt answers replaces it.
    this._noticeShown = false;
    this._error = undefined;
    this._fieldErrors = {};
    try {
      const auth =
        this.mode === 'signup'
          ? await api.register({
              username: text('username'),
              email: text('email'),
              password: text('password'),
              bot: data.get('bot') === 'on',
            })
          : await api.login({ login: text('login'), password: text('password') });
      this.dispatchEvent(flockEvent('flock-signed-in', auth));
    } catch (error) {
      if (error instanceof ApiError) {
        // Each field's error is told once, beside its field; the form's own line only for the rest.
        const shown = error.details.filter(
          (detail) => form.elements.namedItem(detail.field) instanceof HTMLInputElement,
        );
        this._fieldErrors = Object.fromEntries(
          shown.map((detail) => [detail.field, `${this.#labelOf(form, detail.field)} ${detail.message}.`]),
        );
        if (error.status === 429 && error.retryAfterSeconds) this.#wait.start(error.retryAfterSeconds);
        this._error =
          error.status === 429
            ? 'Too many attempts for now.'
            : error.status === 401
              ? 'That username or email and password do not match.'
              : shown.length > 0 && shown.length === error.details.length
                ? undefined
                : error.message;
        const first = shown[0];
        if (first) void this.updateComplete.then(() => this.#focusField(first.field));
      } else {
        this._error = 'Something went wrong. Please try again.';
      }
    } finally {
      this._busy = false;
    }
  }
}

customElements.define('flock-auth-form', FlockAuthForm);

declare global {
  interface HTMLElementTagNameMap {
    'flock-auth-form': FlockAuthForm;
  }
}
