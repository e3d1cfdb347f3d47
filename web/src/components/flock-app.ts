// The application shell: owns the session, the API client, the live connection and the route (each a
// controller), provides them to every component through context, and lays out the header, trending
// tags (with the link to the activity page) and the view.
import { ContextProvider } from '@lit/context';
import { html, LitElement, nothing } from 'lit';
import { ApiClient } from '../api.ts';
import { apiContext, liveContext } from '../context.ts';
import { LiveController } from '../controllers/live-controller.ts';
import { NoticesController } from '../controllers/notices.ts';
import { type Route, RouterController } from '../controllers/router.ts';
import { EXPIRED, SessionController } from '../controllers/session-controller.ts';
import { appStyles } from '../styles/app.ts';
import { base, controls } from '../styles/shared.ts';
import './flock-activity.ts';
import './flock-auth-form.ts';
import './flock-feed.ts';
import './flock-header.ts';
import './flock-notices.ts';
import './flock-accounts.ts';
import './flock-profile.ts';
import './flock-tabs.ts';
import './flock-thread.ts';
import './flock-trending.ts';

export class FlockApp extends LitElement {
  static override styles = [base, controls, appStyles];

  readonly session = new SessionController(this, {
    me: () => this.api.me(),
    onSignedIn: () => {
      this.live.stop();
      this.live.start();
    },
    onEnded: () => this.live.stop(),
  });
  readonly api = new ApiClient({
    token: () => this.session.current?.token,
    onUnauthorized: () => this.session.end(EXPIRED),
  });
  readonly live = new LiveController(this, {
    token: () => this.session.current?.token,
    onExpired: () => this.session.end(EXPIRED),
    onFailedAttempt: () => this.session.verify(),
  });
  readonly router = new RouterController(this, () => this.#routeChanged());
  readonly notices = new NoticesController(this);
  #returnTo: string | undefined;

  constructor() {
    super();
    new ContextProvider(this, { context: apiContext, initialValue: this.api });
    new ContextProvider(this, { context: liveContext, initialValue: this.live });
    this.addEventListener('flock-retry-live', () => this.live.retryNow());
    this.addEventListener('flock-notify', ({ detail }) => this.notices.notify(detail.kind, detail.text));
    this.addEventListener('flock-dismiss-notice', ({ detail }) => this.notices.dismiss(detail.id));
  }

  protected override willUpdate() {
    // Signed out, only the sign-in and sign-up views exist; signed in, they lead home.
    const signedIn = this.session.current !== undefined;
    const { name } = this.router.route;
    const authView = name === 'login' || name === 'signup';
    if (!signedIn && !authView) {
      if (this.router.path !== '/') this.#returnTo = this.router.path;
      this.router.navigate('/login', { replace: true });
    } else if (signedIn && authView) {
      this.router.navigate(this.#returnTo ?? '/', { replace: true });
      this.#returnTo = undefined;
    }
  }

  protected override updated() {
    document.title = this.#title(this.router.route);
  }

  override render() {
    // The skip link has a landmark of its own, as all content must (axe's "region" rule): its target is
    // in this shadow root, where a checker cannot tell it is a skip link.
    const session = this.session.current;
    return html`
      <div class=${session ? 'signed-in' : 'signed-out'}>
        <nav aria-label="Skip link">
          <a class="skip" href="#main" @click=${this.#skipToMain}>Skip to content</a>
        </nav>
        <flock-header .user=${session?.user} .status=${this.live.status}></flock-header>
        <div class="layout">
          ${
            // Trending tags are navigation: before the feed in reading order (a strip above it on
            // phones, a column beside it on wider screens), and the skip link jumps past them.
            session
              ? html`<nav aria-label="Explore">
                  <flock-trending></flock-trending>
                  <a class="activity-link" href="/activity">Activity: posts, likes, who is active</a>
                </nav>`
              : nothing
          }
          <main id="main" tabindex="-1">${this.#view(this.router.route)}</main>
        </div>
        <flock-notices .notices=${this.notices.notices}></flock-notices>
      </div>
    `;
  }

  #view(route: Route) {
    if (!this.session.current) {
      return html`<flock-auth-form
        .mode=${route.name === 'signup' ? 'signup' : 'login'}
        .notice=${this.session.notice}
      ></flock-auth-form>`;
    }
    switch (route.name) {
      case 'home':
        return html`<h1>Home</h1>
          <flock-tabs current="home"></flock-tabs>
          <flock-feed compose home></flock-feed>`;
      case 'public':
        return html`<h1>Public</h1>
          <flock-tabs current="public"></flock-tabs>
          <flock-feed compose></flock-feed>`;
      case 'tag':
        return html`<div class="view-head">
            <h1>#${route.tag}</h1>
            <a href="/public">Show all messages</a>
          </div>
          <flock-feed compose .tag=${route.tag}></flock-feed>`;
      case 'message':
        return html`<flock-thread .messageId=${route.id}></flock-thread>`;
      case 'accounts':
        return html`<flock-accounts .username=${route.username} .list=${route.list}></flock-accounts>`;
      case 'activity':
        return html`<flock-activity></flock-activity>`;
      case 'user':
        return html`<flock-profile .username=${route.username}></flock-profile>`;
      default:
        return html`<h1>Page not found</h1>
          <p>There is nothing here. <a href="/">Go to the home feed</a>.</p>`;
    }
  }

  #title(route: Route) {
    switch (route.name) {
      case 'login':
        return 'Sign in · Flock';
      case 'signup':
        return 'Create an account · Flock';
      case 'tag':
        return `#${route.tag} · Flock`;
      case 'user':
        return `@${route.username} · Flock`;
      case 'home':
        return 'Home · Flock';
      case 'public':
        return 'Public · Flock';
      case 'message':
        return 'Message · Flock';
      case 'accounts':
        return `${route.list === 'followers' ? 'Followers of' : 'Followed by'} @${route.username} · Flock`;
      case 'activity':
        return 'Activity · Flock';
      default:
        return 'Not found · Flock';
    }
  }

  #routeChanged() {
    // Move focus to the new view, so keyboard and screen-reader users start there.
    this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('main')?.focus());
  }

  #skipToMain(event: Event) {
    event.preventDefault();
    this.renderRoot.querySelector<HTMLElement>('main')?.focus();
  }
}

customElements.define('flock-app', FlockApp);

declare global {
  interface HTMLElementTagNameMap {
    'flock-app': FlockApp;
  }
}
