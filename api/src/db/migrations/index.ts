import { Migration20261126000000_initial } from './Migration20261126000000_initial.ts';
import { Migration20261126010000_event_retention } from './Migration20261126010000_event_retention.ts';
import { Migration20261126020000_idempotency_keys } from './Migration20261126020000_idempotency_keys.ts';
import { Migration20261204000000_follows_replies_profiles } from './Migration20261204000000_follows_replies_profiles.ts';

/** Every migration, in order. Listed explicitly so the same list runs from sources and in containers. */
export const migrationsList = [
  { name: 'Migration20261126000000_initial', class: Migration20261126000000_initial },
  { name: 'Migration20261126010000_event_retention', class: Migration20261126010000_event_retention },
  { name: 'Migration20261126020000_idempotency_keys', class: Migration20261126020000_idempotency_keys },
  {
    name: 'Migration20261204000000_follows_replies_profiles',
    class: Migration20261204000000_follows_replies_profiles,
  },
];
