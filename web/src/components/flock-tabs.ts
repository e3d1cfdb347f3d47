// The two timelines, side by side: Home (the accounts the reader follows, and their own) and Public
// (everyone's). Ordinary links, so each has its address; the current one says so (aria-current).
import { html, LitElement } from 'lit';
import { base } from '../styles/shared.ts';
import { tabsStyles } from '../styles/tabs.ts';

export type Timeline = 'home' | 'public';

const TABS: [Timeline, string, string][] = [
  ['home', '/', 'Home'],
  ['public', '/public', 'Public'],
];

export class FlockTabs extends LitElement {
  static override properties = { current: {} };

  static override styles = [base, tabsStyles];

  declare current: Timeline;

  constructor() {
    super();
    this.current = 'home';
  }

  override render() {
    return html`<nav aria-label="Timelines">
      ${TABS.map(
        ([name, href, label]) =>
          html`<a href=${href} aria-current=${this.current === name ? 'page' : 'false'}>${label}</a>`,
      )}
    </nav>`;
  }
}

customElements.define('flock-tabs', FlockTabs);

declare global {
  interface HTMLElementTagNameMap {
    'flock-tabs': FlockTabs;
  }
}
