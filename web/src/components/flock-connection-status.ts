// The live connection indicator: a coloured dot and a word, announced politely when it changes.
import { html, LitElement } from 'lit';
import type { LiveStatus } from '../controllers/live-controller.ts';
import { connectionStatusStyles } from '../styles/connection-status.ts';
import { base } from '../styles/shared.ts';

const LABELS: Record<LiveStatus, { short: string; long: string }> = {
  live: { short: 'Live', long: 'Live: new messages appear as they are posted' },
  connecting: { short: 'Connecting…', long: 'Connecting to the live feed' },
  reconnecting: { short: 'Offline', long: 'Connection lost, reconnecting' },
  offline: { short: 'Offline', long: 'Not connected to the live feed' },
};

export class FlockConnectionStatus extends LitElement {
  static override properties = { status: { reflect: true } };

  static override styles = [base, connectionStatusStyles];

  declare status: LiveStatus;

  constructor() {
    super();
    this.status = 'offline';
  }

  override render() {
    const label = LABELS[this.status];
    return html`<div class="pill" role="status" title=${label.long}>
      <i aria-hidden="true"></i><span class="label">${label.short}</span
      ><span class="visually-hidden">: ${label.long}</span>
    </div>`;
  }
}

customElements.define('flock-connection-status', FlockConnectionStatus);

declare global {
  interface HTMLElementTagNameMap {
    'flock-connection-status': FlockConnectionStatus;
  }
}
