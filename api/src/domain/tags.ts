import { MAX_TAGS, messageTags as mergedTags } from '@flock/shared';
import { badField } from './api-error.ts';

export { normaliseTag } from '@flock/shared';

/** The message's tags by the shared rule (@flock/shared's names.ts), refused beyond MAX_TAGS. */
export function messageTags(content: string, explicit: readonly string[] = []): string[] {
  const tags = mergedTags(content, explicit);
  if (tags.length > MAX_TAGS)
    throw badField('tags', `must not exceed ${MAX_TAGS} tags (found ${tags.length})`);
  return tags;
}
