// The API's request and response shapes: one definition, used by the API to validate and document
// its routes and by the web app and the bots as types.
import { type Static, Type } from 'typebox';
import {
  TAG_INPUT_PATTERN,
  USERNAME_INPUT_PATTERN,
  USERNAME_MAX_LENGTH,
  USERNAME_MIN_LENGTH,
} from './names.ts';

export const MAX_CONTENT_LENGTH = 500;
export const DISPLAY_NAME_MAX_LENGTH = 50;
export const BIO_MAX_LENGTH = 300;
export const MAX_TAGS = 10;
const MAX_PAGE_SIZE = 100;
/** Message ids are bigint identities; 18 digits keep every accepted id inside PostgreSQL's bigint. */
const ID_PATTERN = '^(0|[1-9][0-9]{0,17})$';

export const MessageId = Type.String({ pattern: ID_PATTERN, description: 'A message id (decimal string)' });

// ---- users and auth ----

const DisplayName = Type.Union([Type.String(), Type.Null()], {
  description: 'The name shown beside the username; null until its owner sets one',
});

export const Profile = Type.Object({
  username: Type.String(),
  displayName: DisplayName,
  bio: Type.String({ description: 'Empty until its owner writes one' }),
  bot: Type.Boolean(),
  createdAt: Type.String({ format: 'date-time' }),
  messageCount: Type.Integer(),
  likesGiven: Type.Integer(),
  likesReceived: Type.Integer(),
  followerCount: Type.Integer(),
  followingCount: Type.Integer(),
  followedByMe: Type.Boolean({
    description: 'Whether the signed-in account follows this one (false signed out)',
  }),
});
export type Profile = Static<typeof Profile>;

export const UpdateProfileBody = Type.Object(
  {
    displayName: Type.Optional(
      Type.Union([Type.String({ minLength: 1, maxLength: DISPLAY_NAME_MAX_LENGTH }), Type.Null()], {
        description: `1 to ${DISPLAY_NAME_MAX_LENGTH} characters with a visible one, on one line (no tab or line break); null clears it`,
      }),
    ),
    bio: Type.Optional(
      Type.String({
        maxLength: BIO_MAX_LENGTH,
        description: `At most ${BIO_MAX_LENGTH} characters; empty clears it`,
      }),
    ),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateProfileBody = Static<typeof UpdateProfileBody>;

/** An account in a list of followers or of accounts followed. */
export const AccountSummary = Type.Object({
  username: Type.String(),
  displayName: DisplayName,
  bio: Type.String(),
  bot: Type.Boolean(),
});
export type AccountSummary = Static<typeof AccountSummary>;

export const AccountPageQuery = Type.Object(
  {
    before: Type.Optional(Type.String({ pattern: ID_PATTERN, description: 'The `next` of the page before' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE_SIZE, default: 20 })),
  },
  { additionalProperties: false },
);
export type AccountPageQuery = Static<typeof AccountPageQuery>;

export const AccountPage = Type.Object({
  items: Type.Array(AccountSummary, { description: 'The most recent follow first' }),
  next: Type.Union([Type.String(), Type.Null()], {
    description: 'Pass as `before` to read the page that follows; null on the last page',
  }),
});
export type AccountPage = Static<typeof AccountPage>;

export const FollowState = Type.Object({
  following: Type.Boolean({ description: 'Whether you follow the account now' }),
  followerCount: Type.Integer(),
});
export type FollowState = Static<typeof FollowState>;

/** The signed-in user's own account: the only shape that carries an email. */
export const Me = Type.Object({
  username: Type.String(),
  email: Type.String(),
  bot: Type.Boolean(),
  createdAt: Type.String({ format: 'date-time' }),
});
export type Me = Static<typeof Me>;

export const RegisterBody = Type.Object(
  {
    username: Type.String({
      pattern: USERNAME_INPUT_PATTERN,
      description: `Letters, digits and underscores, ${USERNAME_MIN_LENGTH} to ${USERNAME_MAX_LENGTH} characters; stored in lower case`,
    }),
    email: Type.String({ format: 'email', maxLength: 254 }),
    password: Type.String({ minLength: 8, maxLength: 256 }),
    bot: Type.Optional(Type.Boolean({ description: 'Declares an automated account', default: false })),
  },
  { additionalProperties: false },
);
export type RegisterBody = Static<typeof RegisterBody>;

export const LoginBody = Type.Object(
  {
    login: Type.String({ minLength: 1, maxLength: 254, description: 'Username or email' }),
    password: Type.String({ minLength: 1, maxLength: 256 }),
  },
  { additionalProperties: false },
);
export type LoginBody = Static<typeof LoginBody>;

export const DeleteAccountBody = Type.Object(
  { password: Type.String({ minLength: 1, maxLength: 256, description: 'The account password, again' }) },
  { additionalProperties: false },
);
export type DeleteAccountBody = Static<typeof DeleteAccountBody>;

export const AuthResponse = Type.Object({ token: Type.String(), user: Me });
export type AuthResponse = Static<typeof AuthResponse>;

// ---- messages ----

const Author = Type.Object({ username: Type.String(), displayName: DisplayName, bot: Type.Boolean() });

export const Message = Type.Object({
  id: Type.String(),
  author: Author,
  content: Type.String(),
  tags: Type.Array(Type.String()),
  inReplyTo: Type.Union([Type.String(), Type.Null()], {
    description: 'The id of the message this one answers (which may since have been deleted), or null',
  }),
  replyCount: Type.Integer({ description: 'Replies to this message still in place' }),
  likeCount: Type.Integer(),
  likedByMe: Type.Boolean(),
  createdAt: Type.String({ format: 'date-time' }),
});
export type Message = Static<typeof Message>;

/** Where a thread's message was deleted: its replies stay, and the thread shows this in its place. */
export const DeletedMessage = Type.Object({ id: Type.String(), deleted: Type.Literal(true) });
export type DeletedMessage = Static<typeof DeletedMessage>;

export const PostMessageBody = Type.Object(
  {
    content: Type.String({
      minLength: 1,
      maxLength: MAX_CONTENT_LENGTH,
      description:
        'At least one visible character (not only spaces, zero-width or control characters); no control characters but tab and line breaks',
    }),
    tags: Type.Optional(
      Type.Array(Type.String({ pattern: TAG_INPUT_PATTERN }), {
        maxItems: MAX_TAGS,
        description: 'Extra tags, merged with the #hashtags in the content',
      }),
    ),
    inReplyTo: Type.Optional(MessageId),
  },
  { additionalProperties: false },
);
export type PostMessageBody = Static<typeof PostMessageBody>;

export const FeedQuery = Type.Object(
  {
    tag: Type.Optional(Type.String({ pattern: TAG_INPUT_PATTERN })),
    author: Type.Optional(Type.String({ pattern: USERNAME_INPUT_PATTERN })),
    before: Type.Optional(MessageId),
    after: Type.Optional(MessageId),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE_SIZE, default: 20 })),
  },
  { additionalProperties: false },
);
export type FeedQuery = Static<typeof FeedQuery>;

export const MessagePage = Type.Object({
  items: Type.Array(Message),
  next: Type.Union([Type.String(), Type.Null()], {
    description:
      'Pass as `before` (keeping the other parameters) to read the older page that follows; null when no older message is left in the range',
  }),
  newer: Type.Union([Type.String(), Type.Null()], {
    description:
      'Pass as `after` (keeping the other parameters) to read the newer page that follows; null when no newer message is left in the range. Only a page read with `after` alone can leave newer ones behind',
  }),
});
export type MessagePage = Static<typeof MessagePage>;

export const HomeQuery = Type.Object(
  {
    before: Type.Optional(MessageId),
    after: Type.Optional(MessageId),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE_SIZE, default: 20 })),
  },
  { additionalProperties: false },
);
export type HomeQuery = Static<typeof HomeQuery>;

export const ThreadQuery = Type.Object(
  {
    after: Type.Optional(MessageId),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE_SIZE, default: 20 })),
  },
  { additionalProperties: false },
);
export type ThreadQuery = Static<typeof ThreadQuery>;

export const Thread = Type.Object({
  ancestors: Type.Array(Type.Union([Message, DeletedMessage]), {
    description:
      'The messages this one answers, the first of the thread first. A deleted one shows as {id, deleted}; the thread above it is not known and is not shown',
  }),
  message: Message,
  replies: Type.Array(Message, { description: 'Direct replies, oldest first' }),
  next: Type.Union([Type.String(), Type.Null()], {
    description: 'Pass as `after` to read the replies that follow; null when none is left',
  }),
});
export type Thread = Static<typeof Thread>;

export const LikeState = Type.Object({ likeCount: Type.Integer(), likedByMe: Type.Boolean() });
export type LikeState = Static<typeof LikeState>;

// ---- tags ----

export const TrendingQuery = Type.Object(
  {
    window: Type.Optional(
      Type.String({ pattern: '^[1-9][0-9]{0,3}[mhd]$', default: '24h', description: 'e.g. 15m, 24h, 7d' }),
    ),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, default: 10 })),
  },
  { additionalProperties: false },
);
export type TrendingQuery = Static<typeof TrendingQuery>;

export const TrendingTag = Type.Object({ tag: Type.String(), count: Type.Integer() });
export type TrendingTag = Static<typeof TrendingTag>;

// ---- activity ----

export const ActivityQuery = Type.Object(
  {
    window: Type.Optional(
      Type.Union([Type.Literal('hour'), Type.Literal('day')], {
        default: 'hour',
        description: 'hour: 60 one-minute buckets; day: 144 ten-minute buckets',
      }),
    ),
  },
  { additionalProperties: false },
);
export type ActivityQuery = Static<typeof ActivityQuery>;
export type ActivityWindow = NonNullable<ActivityQuery['window']>;

/** A figure split by who made it: accounts registered as bots, and everyone else. */
export const PeopleAndBots = Type.Object({
  people: Type.Integer({ minimum: 0 }),
  bots: Type.Integer({ minimum: 0 }),
});
export type PeopleAndBots = Static<typeof PeopleAndBots>;

export const ActivityBucket = Type.Object({
  start: Type.String({ format: 'date-time', description: 'When the bucket begins (UTC)' }),
  posts: PeopleAndBots,
  likes: PeopleAndBots,
  signups: PeopleAndBots,
});
export type ActivityBucket = Static<typeof ActivityBucket>;

export const Activity = Type.Object({
  window: Type.Union([Type.Literal('hour'), Type.Literal('day')]),
  bucketSeconds: Type.Integer({ description: '60 for the hour, 600 for the day' }),
  series: Type.Array(ActivityBucket, {
    description:
      'Oldest first, one per bucket, empty ones included; the last is the bucket now under way. Likes count those still in place',
  }),
  activeUsers: Type.Object(
    { last5m: PeopleAndBots, last1h: PeopleAndBots },
    { description: 'Distinct accounts that posted or liked in the last 5 minutes and the last hour' },
  ),
  liveConnections: Type.Integer({
    minimum: 0,
    description: 'Live-feed WebSocket connections open now on the replica that answered',
  }),
  topTags: Type.Array(TrendingTag, {
    description: 'The most used tags of the messages posted in the window',
  }),
});
export type Activity = Static<typeof Activity>;

// ---- errors ----

export const ErrorBody = Type.Object({
  error: Type.Object({
    code: Type.String(),
    message: Type.String(),
    details: Type.Optional(Type.Array(Type.Object({ field: Type.String(), message: Type.String() }))),
  }),
});
export type ErrorBody = Static<typeof ErrorBody>;
