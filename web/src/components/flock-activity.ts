// The activity page (/activity): posts, likes and sign-ups over the last hour or day as charts, people
// and bots apart; the accounts active lately and the live connections as figures; the top tags; and
// every number again as a table. Its ActivityController polls the API every 10 s.

import type { Activity, ActivityBucket, PeopleAndBots } from '@flock/shared/api';
import { html, LitElement, nothing } from 'lit';
import { ActivityController, POLL_MS } from '../controllers/activity-controller.ts';
import { tagPath } from '../controllers/router.ts';
import { activityStyles } from '../styles/activity.ts';
import { base, controls } from '../styles/shared.ts';
import type { ChartSeries } from './flock-chart.ts';
import './flock-activity-table.ts';
import './flock-chart.ts';

const WINDOWS = { hour: 'Last hour', day: 'Last day' } as const;
const clock = new Intl.DateTimeFormat(undefined, { timeStyle: 'medium' });

type Measure = 'posts' | 'likes' | 'signups';
const MEASURES: [Measure, string][] = [
  ['posts', 'Posts'],
  ['likes', 'Likes'],
  ['signups', 'Sign-ups'],
];

const perBucket = (activity: Activity) => (activity.bucketSeconds === 60 ? 'per minute' : 'per 10 minutes');

function split(series: ActivityBucket[], measure: Measure): ChartSeries[] {
  return [
    { name: 'People', tone: 'people', values: series.map((bucket) => bucket[measure].people) },
    { name: 'Bots', tone: 'bots', values: series.map((bucket) => bucket[measure].bots) },
  ];
}

export class FlockActivity extends LitElement {
  static override styles = [base, controls, activityStyles];

  readonly #data = new ActivityController(this);

  override render() {
    const { activity, failed, updatedAt, window } = this.#data;
    return html`<div class="view-head">
        <h1>Activity</h1>
        <div class="switch" role="group" aria-label="Window">
          ${Object.entries(WINDOWS).map(
            ([value, label]) =>
              html`<button
                type="button"
                aria-pressed=${value === window ? 'true' : 'false'}
                @click=${() => this.#data.show(value as keyof typeof WINDOWS)}
              >
                ${label}
              </button>`,
          )}
        </div>
      </div>
      <p class="muted status">
        Polling every ${POLL_MS / 1000} s${updatedAt ? ` · updated ${clock.format(updatedAt)}` : ''}
        ${failed ? html`<span class="error">· The last update failed; retrying.</span>` : nothing}
      </p>
      ${activity ? this.#figures(activity) : html`<p class="muted">${failed ? 'Unavailable right now.' : 'Loading…'}</p>`}`;
  }

  #figures(activity: Activity) {
    const times = activity.series.map((bucket) => Date.parse(bucket.start) / 1000);
    return html`<section class="figures" aria-label="Now">
        ${this.#figure('Active in the last 5 minutes', activity.activeUsers.last5m)}
        ${this.#figure('Active in the last hour', activity.activeUsers.last1h)}
        <div class="card figure live">
          <h2>Live connections</h2>
          <p>
            <span class="pair"><strong>${activity.liveConnections}</strong> <span class="muted">on this server</span></span>
          </p>
        </div>
      </section>
      <div class="charts">
        ${MEASURES.map(
          ([measure, label]) =>
            html`<div class="card chart">
              <flock-chart
                .label=${`${label} ${perBucket(activity)}`}
                .times=${times}
                .series=${split(activity.series, measure)}
              ></flock-chart>
            </div>`,
        )}
      </div>
      <section class="card tags" aria-labelledby="tags-title">
        <h2 id="tags-title">Top tags, ${WINDOWS[activity.window].toLowerCase()}</h2>
        ${
          activity.topTags.length === 0
            ? html`<p class="muted">No tags yet.</p>`
            : html`<ol>
                ${activity.topTags.map(
                  ({ tag, count }) =>
                    html`<li>
                      <a href=${tagPath(tag)}>#${tag}</a>
                      <span class="count">${count}<span class="visually-hidden"> messages</span></span>
                    </li>`,
                )}
              </ol>`
        }
      </section>
      <details class="card numbers">
        <summary>The numbers as a table</summary>
        <flock-activity-table .activity=${activity} .unit=${perBucket(activity)}></flock-activity-table>
      </details>`;
  }

  #figure(title: string, { people, bots }: PeopleAndBots) {
    return html`<div class="card figure">
      <h2>${title}</h2>
      <p>
        <span class="pair"><strong>${people}</strong> <span class="muted">${people === 1 ? 'person' : 'people'}</span></span>
        <span class="pair"><strong>${bots}</strong> <span class="muted">${bots === 1 ? 'bot' : 'bots'}</span></span>
      </p>
    </div>`;
  }
}

customElements.define('flock-activity', FlockActivity);

declare global {
  interface HTMLElementTagNameMap {
    'flock-activity': FlockActivity;
  }
}
