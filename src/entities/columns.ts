import type { EntitySchemaColumnOptions } from 'typeorm';

/** created_at / updated_at, set by the application (same behaviour on MySQL and SQLite). */
export const timestampColumns = {
  createdAt: { name: 'created_at', type: 'datetime', precision: 3 } satisfies EntitySchemaColumnOptions,
  updatedAt: { name: 'updated_at', type: 'datetime', precision: 3 } satisfies EntitySchemaColumnOptions,
};

/** A JSON array kept in a text column (portable across MySQL and SQLite). */
export const jsonArrayTransformer = {
  to: (value: string[] | null | undefined) => (value == null ? null : JSON.stringify(value)),
  from: (value: string | null) => (value == null ? null : (JSON.parse(value) as string[])),
};
