// The activity page's numbers as a table, newest bucket first: what the charts draw, for screen readers
// and for anyone who wants the figures.

import type { Activity } from '@flock/shared/api';
import { html, LitElement } from 'lit';
import { activityTableStyles } from '../styles/activity.ts';
import { base } from '../styles/shared.ts';

const time = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

export class FlockActivityTable extends LitElement {
  static override styles = [base, activityTableStyles];
  static override properties = { activity: { attribute: false }, unit: {} };

  declare activity: Activity | undefined;
  /** What one row covers, e.g. 'per minute'. */
  declare unit: string;

  constructor() {
    super();
    this.activity = undefined;
    this.unit = '';
  }

  override render() {
    const activity = this.activity;
    if (!activity) return html``;
    const rows = [...activity.series].reverse();
    return html`<div class="scroll" tabindex="0" role="region" aria-label="Activity table">
      <table>
        <caption>
          Posts, likes and sign-ups ${this.unit}, people and bots, newest first
        </caption>
        <thead>
          <tr>
            <th scope="col" rowspan="2">From</th>
            <th scope="colgroup" colspan="2">Posts</th>
            <th scope="colgroup" colspan="2">Likes</th>
            <th scope="colgroup" colspan="2">Sign-ups</th>
          </tr>
          <tr>
            ${[1, 2, 3].map(() => html`<th scope="col">People</th><th scope="col">Bots</th>`)}
          </tr>
        </thead>
        <tbody>
          ${rows.map(
            (bucket) =>
              html`<tr>
                <th scope="row"><time datetime=${bucket.start}>${time.format(new Date(bucket.start))}</time></th>
                <td>${bucket.posts.people}</td>
                <td>${bucket.posts.bots}</td>
                <td>${bucket.likes.people}</td>
                <td>${bucket.likes.bots}</td>
                <td>${bucket.signups.people}</td>
                <td>${bucket.signups.bots}</td>
              </tr>`,
          )}
        </tbody>
      </table>
    </div>`;
  }
}

customElements.define('flock-activity-table', FlockActivityTable);

declare global {
  interface HTMLElementTagNameMap {
    'flock-activity-table': FlockActivityTable;
  }
}
