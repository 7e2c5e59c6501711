import type { TableColumnOptions } from 'typeorm';

/** Column shapes every table shares, so all migrations spell them the same way. */
export const id: TableColumnOptions = { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' };
export const createdAt: TableColumnOptions = { name: 'created_at', type: 'datetime', precision: 3 };
export const updatedAt: TableColumnOptions = { name: 'updated_at', type: 'datetime', precision: 3 };
