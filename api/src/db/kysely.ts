// Typed SQL through MikroORM's Kysely integration: the tables' types are inferred from the entities
// (defineEntity), and a query runs on the EntityManager's connection, inside its transaction when it has one.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { InferKyselyDB } from '@mikro-orm/sql';
import {
  type ColumnType,
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
} from 'kysely';
import type { entities } from './entities/index.ts';

type EntityTables = InferKyselyDB<(typeof entities)[number]>;

/**
 * MikroORM's pg type parsers keep timestamps as the server's text (only its entity API makes them Dates), so a
 * select reads a string: the inferred `Date` would be a lie.
 */
type TimestampsAsRead<Table> = {
  [Column in keyof Table]: Table[Column] extends ColumnType<Date, infer Insert, infer Update>
    ? ColumnType<string, Insert, Update>
    : Table[Column] extends Date
      ? ColumnType<string, Date | string, Date | string>
      : Table[Column];
};

/** Every table, by its name, with its columns as the entities declare them. */
export type Database = { [Table in keyof EntityTables]: TimestampsAsRead<EntityTables[Table]> };

/** The EntityManager's Kysely: its connection, and its transaction when it is in one. */
export const sqlOf = (em: EntityManager): Kysely<Database> => em.getKysely<Database>();

/**
 * Compiles statements without a connection, to `$n` SQL and its parameters: for code that runs the API's own
 * statements through another driver (the bench's raw-pg baseline, tests on a bare pg client).
 */
export const compiler = new Kysely<Database>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
});
