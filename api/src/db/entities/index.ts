import { Event } from './event.ts';
import { EventRetention } from './event-retention.ts';
import { Follow } from './follow.ts';
import { IdempotencyKey } from './idempotency-key.ts';
import { Like } from './like.ts';
import { Message } from './message.ts';
import { MessageTag } from './message-tag.ts';
import { Tag } from './tag.ts';
import { User } from './user.ts';

export { Event, EventRetention, Follow, IdempotencyKey, Like, Message, MessageTag, Tag, User };
export const entities = [User, Message, Tag, MessageTag, Like, Event, EventRetention, IdempotencyKey, Follow];
