// The bar at the top: the brand (home), and when signed in the live indicator, the reader's own
// profile link and "Log out" (which asks the app to end the session with SignOutEvent).
import type { Me } from '@flock/shared/api';
import { css, html, LitElement, nothing } from 'lit';
import type { LiveStatus } from '../controllers/live-controller.ts';
import { userPath } from '../controllers/router.ts';
import { SignOutEvent } from '../session.ts';
import { base, controls } from '../styles/shared.ts';
import './flock-connection-status.ts';

export class FlockHeader extends LitElement {
  static override properties = {
    user: { attribute: false },
    status: {},
  };

  static override styles = [
    base,
    controls,
    css`
      :host {
        display: block;
        position: sticky;
        top: 0;
        z-index: 10;
      }
      header {
        height: var(--flock-header-height);
        display: flex;
        align-items: center;
        gap: 0.75rem;
        padding: 0 max(1rem, calc((100% - 72rem) / 2 + 1rem));
        background: color-mix(in srgb, var(--flock-surface) 92%, transparent);
        backdrop-filter: blur(8px);
        border-bottom: 1px solid var(--flock-border);
      }
      .brand {
        font-size: 1.3rem;
        font-weight: 800;
        letter-spacing: -0.02em;
        color: var(--flock-text);
        text-decoration: none;
        display: inline-flex;
        align-items: center;
        gap: 0.4rem;
      }
      .brand svg {
        width: 1.6rem;
        height: 1.6rem;
      }
      .spacer {
        flex: 1;
      }
      .who {
        color: var(--flock-muted);
        font-weight: 600;
        text-decoration: none;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
        max-width: 16rem;
      }
      .who:hover {
        color: var(--flock-text);
      }
      .who {
        min-width: 0;
      }
      button {
        white-space: nowrap;
        flex-shrink: 0;
      }
      @media (max-width: 52rem) {
        header {
          gap: 0.5rem;
          padding: 0 0.75rem;
        }
        .who {
          max-width: 9rem;
        }
      }
    `,
  ];

  declare user: Me | undefined;
  declare status: LiveStatus;

  constructor() {
    super();
    this.status = 'offline';
  }

  override render() {
    const { user } = this;
    return html`<header>
      <a class="brand" href="/" aria-label="Flock, home">
        <svg viewBox="0 0 32 32" aria-hidden="true">
          <rect width="32" height="32" rx="8" fill="var(--flock-accent)" />
          <path d="M7 19c4-1 6-4 8-8 1 4 4 6 10 6-4 3-9 5-18 2z" fill="var(--flock-on-accent)" />
        </svg>
        Flock
      </a>
      <span class="spacer"></span>
      ${
        user
          ? html`
              <flock-connection-status .status=${this.status}></flock-connection-status>
              <a class="who" href=${userPath(user.username)}
                ><span class="visually-hidden">Signed in as </span>@${user.username}</a
              >
              <button class="secondary" @click=${() => this.dispatchEvent(new SignOutEvent())}>Log out</button>
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
