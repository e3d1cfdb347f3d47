// The live connection indicator: a coloured dot and a word, announced politely when it changes.
import { css, html, LitElement } from 'lit';
import type { LiveStatus } from '../controllers/live-controller.ts';
import { base } from '../styles/shared.ts';

const LABELS: Record<LiveStatus, { short: string; long: string }> = {
  live: { short: 'Live', long: 'Live: new messages appear as they are posted' },
  connecting: { short: 'Connecting…', long: 'Connecting to the live feed' },
  reconnecting: { short: 'Offline', long: 'Connection lost, reconnecting' },
  offline: { short: 'Offline', long: 'Not connected to the live feed' },
};

export class FlockConnectionStatus extends LitElement {
  static override properties = { status: { reflect: true } };

  static override styles = [
    base,
    css`
      :host {
        display: inline-flex;
      }
      .pill {
        display: inline-flex;
        align-items: center;
        gap: 0.4rem;
        padding: 0.2rem 0.65rem;
        border-radius: 999px;
        font-size: 0.875rem;
        font-weight: 600;
        background: var(--flock-surface-2);
        white-space: nowrap;
      }
      i {
        width: 0.6rem;
        height: 0.6rem;
        border-radius: 50%;
        background: var(--flock-muted);
      }
      :host([status='live']) i {
        background: var(--flock-ok);
        box-shadow: 0 0 0 3px color-mix(in srgb, var(--flock-ok) 25%, transparent);
      }
      :host([status='live']) .pill {
        color: var(--flock-ok);
      }
      :host([status='reconnecting']) i,
      :host([status='connecting']) i {
        background: var(--flock-warn);
      }
      @media (max-width: 30rem) {
        /* Phones: the dot alone (its words stay for screen readers). */
        .pill {
          padding: 0.55rem;
        }
        .label {
          position: absolute;
          width: 1px;
          height: 1px;
          overflow: hidden;
          clip-path: inset(50%);
          white-space: nowrap;
        }
      }
      :host([status='reconnecting']) .pill {
        color: var(--flock-warn);
      }
    `,
  ];

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
