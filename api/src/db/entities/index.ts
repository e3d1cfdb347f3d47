import { Event } from './event.ts';
import { Like } from './like.ts';
import { Message } from './message.ts';
import { MessageTag } from './message-tag.ts';
import { Tag } from './tag.ts';
import { User } from './user.ts';

export { Event, Like, Message, MessageTag, Tag, User };
export const entities = [User, Message, Tag, MessageTag, Like, Event];
