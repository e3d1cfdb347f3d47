// The notices, fixed at the bottom of the screen. Both live regions are always in the page, so what is
// added to them is announced: errors assertively, the rest politely.
import { html, LitElement } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import type { Notice } from '../controllers/notices.ts';
import { flockEvent, type NoticeKind } from '../events.ts';
import { noticesStyles } from '../styles/notices.ts';
import { base, controls } from '../styles/shared.ts';

export class FlockNotices extends LitElement {
  static override properties = { notices: { attribute: false } };

  static override styles = [base, controls, noticesStyles];

  declare notices: readonly Notice[];

  constructor() {
    super();
    this.notices = [];
  }

  override render() {
    return html`${this.#region('error', 'alert')}${this.#region('info', 'status')}`;
  }

  #region(kind: NoticeKind, role: 'alert' | 'status') {
    const shown = this.notices.filter((notice) => notice.kind === kind);
    return html`<div class="region" role=${role}>
      ${repeat(
        shown,
        (notice) => notice.id,
        (notice) => html`<p class="notice ${kind}">
          <span class="text">${notice.text}</span>
          <button
            class="ghost"
            aria-label="Dismiss: ${notice.text}"
            @click=${() => this.dispatchEvent(flockEvent('flock-dismiss-notice', { id: notice.id }))}
          >
            <span aria-hidden="true">✕</span>
          </button>
        </p>`,
      )}
    </div>`;
  }
}

customElements.define('flock-notices', FlockNotices);

declare global {
  interface HTMLElementTagNameMap {
    'flock-notices': FlockNotices;
  }
}
