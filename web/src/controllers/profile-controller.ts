// A profile's data, for the component that renders it: the account (through the api task, so another
// profile's late answer is dropped), following and unfollowing it (the API's count stands), and the
// owner's saved edits. How a follow went, when it failed, is a notice.
import type { Profile } from '@flock/shared/api';
import { ContextConsumer } from '@lit/context';
import { TaskStatus } from '@lit/task';
import type { ReactiveController, ReactiveElement } from 'lit';
import { ApiError } from '../api.ts';
import { apiContext } from '../context.ts';
import { apiTask } from './api-task.ts';
import { describeError, notify } from './message-actions.ts';

export class ProfileController implements ReactiveController {
  /** A follow or unfollow is on its way. */
  following = false;

  readonly #host: ReactiveElement;
  readonly #username: () => string;
  readonly #api: ContextConsumer<typeof apiContext, ReactiveElement>;
  readonly #task;
  /** The profile as last known: the API's answer, then the follows and edits made here. */
  #profile: Profile | undefined;

  constructor(host: ReactiveElement, username: () => string) {
    this.#host = host;
    this.#username = username;
    this.#api = new ContextConsumer(host, { context: apiContext });
    this.#task = apiTask(host, {
      args: () => [this.#username()] as const,
      load: (api, [name], signal) => api.profile(name, signal),
      onComplete: (profile) => {
        this.#profile = profile;
      },
    });
    host.addController(this);
  }

  /** The profile shown; undefined while it loads (or another's is still known). */
  get profile(): Profile | undefined {
    return this.#profile?.username === this.#username() ? this.#profile : undefined;
  }

  /** Why it could not be loaded, in words. */
  get error(): string | undefined {
    if (this.#task.status !== TaskStatus.ERROR) return undefined;
    const error = this.#task.error;
    return error instanceof ApiError && error.status === 404
      ? `There is no user @${this.#username()}.`
      : 'This profile could not be loaded.';
  }

  hostUpdate() {}

  async follow(follow: boolean) {
    const api = this.#api.value;
    const profile = this.profile;
    if (!api || !profile || this.following) return;
    this.following = true;
    this.#host.requestUpdate();
    try {
      const state = await api.follow(profile.username, follow);
      this.#update({ followedByMe: state.following, followerCount: state.followerCount });
    } catch (error) {
      notify(this.#host, 'error', describeError(error, 'The follow could not be saved.'));
    } finally {
      this.following = false;
      this.#host.requestUpdate();
    }
  }

  /** The owner saved an edit: the API's answer is the profile now. */
  saved(profile: Profile) {
    this.#profile = profile;
    this.#host.requestUpdate();
  }

  #update(change: Partial<Profile>) {
    if (this.#profile) this.#profile = { ...this.#profile, ...change };
  }
}
