import type { EntitySchemaColumnOptions } from 'typeorm';

/** created_at / updated_at, set by the application (same behaviour on MySQL and SQLite). */
export const timestampColumns = {
  createdAt: { name: 'created_at', type: 'datetime', precision: 3 } satisfies EntitySchemaColumnOptions,
  updatedAt: { name: 'updated_at', type: 'datetime', precision: 3 } satisfies EntitySchemaColumnOptions,
};

/**
 * The latest instant a datetime column holds on both databases: MySQL/MariaDB's DATETIME(3)
 * ends at 9999-12-31 23:59:59.999, and TypeORM writes SQLite dates with a four-digit year (year
 * 10000 would read back as year 0000). Dates a client chooses are checked against it.
 */
export const LATEST_STORABLE_DATE = '9999-12-31T23:59:59.999Z';
export const LATEST_STORABLE_TIME = Date.parse(LATEST_STORABLE_DATE);

/** A JSON array kept in a nullable text column, where NULL (a row older than the column) reads as empty. */
export const jsonListTransformer = {
  to: (value: string[] | null | undefined) => JSON.stringify(value ?? []),
  from: (value: string | null) => (value == null ? [] : (JSON.parse(value) as string[])),
};

/** A JSON array kept in a text column (portable across MySQL and SQLite). */
export const jsonArrayTransformer = {
  to: (value: unknown[] | null | undefined) => (value == null ? null : JSON.stringify(value)),
  from: (value: string | null) => (value == null ? null : (JSON.parse(value) as never[])),
};
