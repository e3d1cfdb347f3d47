// The rows a fuzzed request needs to get past 404 (a user, their message), the tokens to send, and the
// repair after a request that deleted one of them: the generator keeps reaching live data.
import fc from 'fast-check';
import { createSigner } from 'fast-jwt';
import { createTokenService } from '../../src/domain/tokens.ts';
import type { TestApp } from '../helpers/app.ts';
import { post, signUp, type TestUser } from '../helpers/users.ts';
import type { KnownValues } from './schema-arbitrary.ts';

/** What the Authorization header holds; every kind but `none` and `live` is a token that must be refused. */
export type AuthKind =
  | 'none'
  | 'live'
  | 'malformed'
  | 'unknown-account'
  | 'deleted-account'
  | 'bad-subject'
  | 'odd-subject'
  | 'foreign-secret'
  | 'wrong-issuer'
  | 'expired';

export interface Auth {
  kind: AuthKind;
  header?: string;
}

const lazy = <T>(read: () => T) => fc.constant(null).map(read);

const subjectOf = (token: string): string =>
  JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).sub;

export class Fixtures {
  readonly emails = new Set<string>();
  readonly deadTokens: string[] = [];
  user!: TestUser;
  /** Another account: the one the user follows, and whose profile it may not edit. */
  other!: TestUser;
  messageId!: string;

  private readonly t: TestApp;

  private constructor(t: TestApp) {
    this.t = t;
  }

  static async create(t: TestApp): Promise<Fixtures> {
    const fixtures = new Fixtures(t);
    await fixtures.renewUser();
    fixtures.other = await signUp(t.app);
    fixtures.emails.add(fixtures.other.email);
    // An account that existed and is gone, with a token still well signed.
    const doomed = await signUp(t.app);
    await t.orm.em
      .fork()
      .getConnection()
      .execute('delete from users where id = ?', [Number(subjectOf(doomed.token))]);
    fixtures.deadTokens.push(doomed.token);
    return fixtures;
  }

  private async renewUser() {
    this.user = await signUp(this.t.app);
    this.emails.add(this.user.email);
    await this.renewMessage();
  }

  private async renewMessage() {
    this.messageId = (await post(this.t.app, this.user, 'fuzz target #fuzz')).id;
  }

  /** After a request that deleted something: a new user if ours is gone, a new message if it is. */
  async heal() {
    const me = await this.t.app.inject({ method: 'GET', url: '/api/users/me', headers: this.user.auth });
    if (me.statusCode === 401) {
      this.deadTokens.push(this.user.token);
      await this.renewUser();
      return;
    }
    const message = await this.t.app.inject({ method: 'GET', url: `/api/messages/${this.messageId}` });
    if (message.statusCode === 404) await this.renewMessage();
  }

  /** Known good values, by parameter or field name. */
  readonly known: KnownValues = (name) => {
    switch (name) {
      case 'id':
      case 'before':
      case 'after':
      case 'inReplyTo':
        return lazy(() => this.messageId);
      case 'username':
      case 'author':
        return fc.oneof(
          lazy(() => this.user.username),
          lazy(() => this.user.username.toUpperCase()),
          lazy(() => this.other.username),
        );
      case 'login':
        return fc.oneof(
          lazy(() => this.user.username),
          lazy(() => this.user.email),
          lazy(() => this.user.email.toUpperCase()),
        );
      case 'email':
        return lazy(() => this.user.email);
      case 'password':
        return lazy(() => this.user.password);
      case 'tag':
        return fc.constantFrom('fuzz', '#fuzz', '#FUZZ');
      case 'idempotency-key':
        return fc.constantFrom('fuzz-key-1', 'fuzz-key-2');
      default:
        return undefined;
    }
  };

  private sign(
    claims: { sub: string; username?: string },
    options: { secret?: string; issuer?: string } = {},
  ) {
    const { config } = this.t;
    const service = createTokenService({
      secret: options.secret ?? config.jwtSecret,
      issuer: options.issuer ?? config.JWT_ISSUER,
      audience: config.JWT_AUDIENCE,
      ttlSeconds: 3600,
    });
    return service.sign({ sub: claims.sub, username: claims.username ?? 'ghost', bot: false });
  }

  private expired() {
    const { config } = this.t;
    const signer = createSigner({
      key: config.jwtSecret,
      algorithm: 'HS256',
      iss: config.JWT_ISSUER,
      aud: config.JWT_AUDIENCE,
      expiresIn: 60_000,
      clockTimestamp: Date.now() - 3_600_000,
    });
    return signer({ sub: subjectOf(this.user.token), username: this.user.username, bot: false });
  }

  private headerFor(kind: AuthKind, pick: number, noise: string): string | undefined {
    const bearer = (token: string) => `Bearer ${token}`;
    switch (kind) {
      case 'none':
        return undefined;
      case 'live':
        return this.user.auth.authorization;
      case 'malformed': {
        const token = this.user.token;
        const forms = [
          bearer(noise),
          // An empty header is taken as none, fairly: only a non-empty one is a malformed token.
          noise || 'Token',
          'Bearer',
          'Bearer ',
          'Basic dXNlcjpwYXNzd29yZA==',
          `${bearer(token)} ${token}`,
          bearer(`${token.slice(0, -2)}${token.endsWith('AA') ? 'BB' : 'AA'}`),
          bearer(token.split('.').slice(0, 2).join('.')),
          bearer(
            `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${token.split('.')[1]}.`,
          ),
        ];
        return forms[pick % forms.length];
      }
      // An id inside the column's range that no account has (ids count up from 1).
      case 'unknown-account':
        return bearer(this.sign({ sub: String(2_000_000_000 + (pick % 100_000_000)) }));
      case 'deleted-account':
        return bearer(this.deadTokens[pick % this.deadTokens.length]!);
      case 'bad-subject':
        return bearer(this.sign({ sub: ['abc', '1.5', '9007199254740993', 'null'][pick % 4]! }));
      // Subjects that are not an account id as the API writes them: some once read as account 1 (` 1`,
      // `0x1`), one is past the id column's range (it answered 500).
      case 'odd-subject': {
        const subjects = ['', '-1', '0', '-0', ' 1', '1.0', '0x1', '01', '1000000000000'];
        return bearer(this.sign({ sub: subjects[pick % subjects.length]! }));
      }
      case 'foreign-secret':
        return bearer(
          this.sign(
            { sub: subjectOf(this.user.token) },
            { secret: 'another-secret-that-is-long-enough-for-hs256' },
          ),
        );
      case 'wrong-issuer':
        return bearer(this.sign({ sub: subjectOf(this.user.token) }, { issuer: 'someone-else' }));
      case 'expired':
        return bearer(this.expired());
    }
  }

  /** Authorization headers of every kind, drawn when the request is generated (so against today's user). */
  readonly auth: fc.Arbitrary<Auth> = fc
    .record({
      kind: fc.oneof(
        { arbitrary: fc.constant<AuthKind>('live'), weight: 8 },
        { arbitrary: fc.constant<AuthKind>('none'), weight: 3 },
        {
          arbitrary: fc.constantFrom<AuthKind>(
            'malformed',
            'unknown-account',
            'deleted-account',
            'bad-subject',
            'odd-subject',
            'foreign-secret',
            'wrong-issuer',
            'expired',
          ),
          weight: 4,
        },
      ),
      pick: fc.nat(),
      noise: fc.string({ maxLength: 60 }).map((text) => text.replace(/[^\t\x20-\x7e]/g, '').trim()),
    })
    .map(({ kind, pick, noise }) => ({ kind, header: this.headerFor(kind, pick, noise) }));
}
