// The live connection indicator: a mark whose shape (not only its colour) tells the state, and a word,
// announced politely when it changes. While reconnecting it offers to try at once.
import { html, LitElement, nothing } from 'lit';
import type { LiveStatus } from '../controllers/live-controller.ts';
import { flockEvent } from '../events.ts';
import { connectionStatusStyles } from '../styles/connection-status.ts';
import { base, controls } from '../styles/shared.ts';

// The word is shown; the detail completes it for screen readers (so nothing is read twice).
const LABELS: Record<LiveStatus, { word: string; detail: string }> = {
  live: { word: 'Live', detail: 'new messages appear as they are posted' },
  connecting: { word: 'Connecting…', detail: 'to the live feed' },
  reconnecting: { word: 'Reconnecting…', detail: 'the connection to the live feed was lost' },
  offline: { word: 'Offline', detail: 'not connected to the live feed' },
};

export class FlockConnectionStatus extends LitElement {
  static override properties = { status: { reflect: true } };

  static override styles = [base, controls, connectionStatusStyles];

  declare status: LiveStatus;

  constructor() {
    super();
    this.status = 'offline';
  }

  override render() {
    const label = LABELS[this.status];
    return html`<div class="pill" role="status">
        <i aria-hidden="true"></i><span class="label">${label.word}</span
        ><span class="visually-hidden">: ${label.detail}</span>
      </div>
      ${
        this.status === 'reconnecting'
          ? html`<button class="secondary retry" @click=${() => this.dispatchEvent(flockEvent('flock-retry-live', null))}>
              Retry<span class="visually-hidden"> now</span>
            </button>`
          : nothing
      }`;
  }
}

customElements.define('flock-connection-status', FlockConnectionStatus);

declare global {
  interface HTMLElementTagNameMap {
    'flock-connection-status': FlockConnectionStatus;
  }
}
