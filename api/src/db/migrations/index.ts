import { Migration20261126000000_initial } from './Migration20261126000000_initial.ts';

/** Every migration, in order. Listed explicitly so the same list runs from sources and in containers. */
export const migrationsList = [
  { name: 'Migration20261126000000_initial', class: Migration20261126000000_initial },
];
