// A list of accounts (an account's followers, or the accounts it follows), for the component that
// renders it: the most recent follow first, a page at a time through one api task (keyset: each page's
// `next` is the next one's `before`), starting over when the list shown changes.
import type { AccountPage, AccountSummary } from '@flock/shared/api';
import { type Task, TaskStatus } from '@lit/task';
import type { ReactiveController, ReactiveElement } from 'lit';
import { ApiError } from '../api.ts';
import { apiTask } from './api-task.ts';
import type { AccountList } from './router.ts';

const PAGE_SIZE = 20;

interface ListLoad {
  key: string;
  username: string;
  list: AccountList;
  before: string | undefined;
}

export class AccountsController implements ReactiveController {
  accounts: readonly AccountSummary[] = [];
  next: string | null = null;
  loaded = false;
  loadError: string | undefined;

  readonly #which: () => { username: string; list: AccountList };
  readonly #pages: Task<readonly [ListLoad], { load: ListLoad; page: AccountPage }>;
  #key = '';

  constructor(host: ReactiveElement, which: () => { username: string; list: AccountList }) {
    this.#which = which;
    this.#pages = apiTask(host, {
      load: async (api, [load]: readonly [ListLoad], signal) => ({
        load,
        page: await api.accounts(load.username, load.list, { before: load.before, limit: PAGE_SIZE }, signal),
      }),
      onComplete: ({ load, page }) => {
        if (load.key !== this.#key) return;
        const known = new Set(this.accounts.map((account) => account.username));
        this.accounts = [...this.accounts, ...page.items.filter((account) => !known.has(account.username))];
        this.next = page.next;
        this.loaded = true;
      },
      onError: (error) => {
        this.loadError =
          error instanceof ApiError && error.status === 404
            ? `There is no user @${this.#which().username}.`
            : 'The list could not be loaded.';
      },
    });
    host.addController(this);
  }

  get loading() {
    return this.#pages.status === TaskStatus.PENDING;
  }

  hostUpdate() {
    const { username, list } = this.#which();
    const key = `${username}/${list}`;
    if (username && key !== this.#key) {
      this.#key = key;
      this.accounts = [];
      this.next = null;
      this.loaded = false;
      this.#run(undefined);
    }
  }

  loadMore() {
    if (!this.loading && this.next) this.#run(this.next);
  }

  retry() {
    this.#run(this.loaded ? (this.next ?? undefined) : undefined);
  }

  #run(before: string | undefined) {
    const { username, list } = this.#which();
    this.loadError = undefined;
    void this.#pages.run([{ key: this.#key, username, list, before }]);
  }
}
