// The bar at the top: the brand (home), and when signed in the live indicator, the reader's own
// profile link and "Log out" (which asks the app to end the session with `flock-sign-out`).
import type { Me } from '@flock/shared/api';
import { html, LitElement, nothing } from 'lit';
import type { LiveStatus } from '../controllers/live-controller.ts';
import { userPath } from '../controllers/router.ts';
import { flockEvent } from '../events.ts';
import { headerStyles } from '../styles/header.ts';
import { base, controls } from '../styles/shared.ts';
import './flock-connection-status.ts';

export class FlockHeader extends LitElement {
  static override properties = {
    user: { attribute: false },
    status: {},
  };

  static override styles = [base, controls, headerStyles];

  declare user: Me | undefined;
  declare status: LiveStatus;

  constructor() {
    super();
    this.status = 'offline';
  }

  override render() {
    const { user } = this;
    return html`<header class=${this.status === 'live' ? 'live' : 'not-live'}>
      <a class="brand" href="/" aria-label="Flock, home">
        <svg viewBox="0 0 32 32" aria-hidden="true">
          <rect width="32" height="32" rx="8" fill="var(--flock-accent)" />
          <path d="M7 19c4-1 6-4 8-8 1 4 4 6 10 6-4 3-9 5-18 2z" fill="var(--flock-on-accent)" />
        </svg>
        <span class="word">Flock</span>
      </a>
      <span class="spacer"></span>
      ${
        user
          ? html`
              <flock-connection-status .status=${this.status}></flock-connection-status>
              <a class="who" href=${userPath(user.username)}
                ><span class="visually-hidden">Signed in as </span>@${user.username}</a
              >
              <button class="secondary" @click=${() => this.dispatchEvent(flockEvent('flock-sign-out', null))}>Log out</button>
            `
          : nothing
      }
    </header>`;
  }
}

customElements.define('flock-header', FlockHeader);

declare global {
  interface HTMLElementTagNameMap {
    'flock-header': FlockHeader;
  }
}
