// Client-side routes. Links are ordinary <a href> (so they work with the keyboard, open in new tabs and
// are read as links); a plain left click on a same-origin link is handled here without a page load.
import {
  ANY_CASE_TAG_BODY,
  ANY_CASE_USERNAME_BODY,
  normaliseTag,
  normaliseUsername,
} from '@flock/shared/names';
import type { ReactiveController, ReactiveControllerHost } from 'lit';

export type AccountList = 'followers' | 'following';

export type Route =
  | { name: 'home' }
  | { name: 'public' }
  | { name: 'tag'; tag: string }
  | { name: 'user'; username: string }
  | { name: 'accounts'; username: string; list: AccountList }
  | { name: 'message'; id: string }
  | { name: 'login' }
  | { name: 'signup' }
  | { name: 'activity' }
  | { name: 'not-found' };

export function parseRoute(pathname: string): Route {
  const path = pathname.replace(/\/+$/, '') || '/';
  if (path === '/') return { name: 'home' };
  if (path === '/public') return { name: 'public' };
  if (path === '/login') return { name: 'login' };
  if (path === '/signup') return { name: 'signup' };
  if (path === '/activity') return { name: 'activity' };
  const tag = new RegExp(`^/tags/(${ANY_CASE_TAG_BODY})$`).exec(path);
  if (tag) return { name: 'tag', tag: normaliseTag(tag[1]!) };
  const user = new RegExp(`^/users/(${ANY_CASE_USERNAME_BODY})$`).exec(path);
  if (user) return { name: 'user', username: normaliseUsername(user[1]!) };
  const accounts = new RegExp(`^/users/(${ANY_CASE_USERNAME_BODY})/(followers|following)$`).exec(path);
  if (accounts) {
    const list = accounts[2] as AccountList;
    return { name: 'accounts', username: normaliseUsername(accounts[1]!), list };
  }
  // Message ids are decimal bigints (at most 18 digits, as the API accepts).
  const message = /^\/messages\/([1-9]\d{0,17})$/.exec(path);
  if (message) return { name: 'message', id: message[1]! };
  return { name: 'not-found' };
}

export const tagPath = (tag: string) => `/tags/${encodeURIComponent(tag)}`;
export const userPath = (username: string) => `/users/${encodeURIComponent(username)}`;
export const accountsPath = (username: string, list: AccountList) => `${userPath(username)}/${list}`;
export const messagePath = (id: string) => `/messages/${encodeURIComponent(id)}`;

export class RouterController implements ReactiveController {
  route: Route = parseRoute(location.pathname);
  readonly #host: ReactiveControllerHost;
  readonly #onChange: (route: Route) => void;

  constructor(host: ReactiveControllerHost, onChange: (route: Route) => void = () => {}) {
    this.#host = host;
    this.#onChange = onChange;
    host.addController(this);
  }

  hostConnected() {
    addEventListener('popstate', this.#onPopState);
    document.addEventListener('click', this.#onClick);
  }

  hostDisconnected() {
    removeEventListener('popstate', this.#onPopState);
    document.removeEventListener('click', this.#onClick);
  }

  get path() {
    return location.pathname;
  }

  navigate(path: string, { replace = false } = {}) {
    if (path !== location.pathname + location.search) {
      if (replace) history.replaceState(null, '', path);
      else history.pushState(null, '', path);
    }
    this.#update();
  }

  readonly #onPopState = () => this.#update();

  readonly #onClick = (event: MouseEvent) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey)
      return;
    if (event.altKey) return;
    // The anchor may sit inside shadow roots: look along the composed path.
    const anchor = event
      .composedPath()
      .find((node): node is HTMLAnchorElement => node instanceof HTMLAnchorElement);
    if (!anchor || anchor.target || anchor.hasAttribute('download') || !anchor.href) return;
    const url = new URL(anchor.href);
    if (url.origin !== location.origin || url.pathname.startsWith('/api/')) return;
    event.preventDefault();
    this.navigate(url.pathname + url.search);
    scrollTo({ top: 0 });
  };

  #update() {
    this.route = parseRoute(location.pathname);
    this.#onChange(this.route);
    this.#host.requestUpdate();
  }
}
