import { EntitySchema } from 'typeorm';
import { timestampColumns } from './columns.js';

/** A person who signs in to Tessera. */
export interface User {
  id: number;
  username: string;
  email: string;
  displayName: string;
  /** scrypt$N$r$p$salt$hash — never the password itself. */
  passwordHash: string;
  isAdmin: boolean;
  /** The language of the pages at the user's last web sign-in ('en' | 'zh'); mail is written in it. Null until then (mail in English). */
  lang: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** The user's id as oidc-provider spells account ids (`sub`, a grant's accountId): a decimal string. */
export const accountIdOf = (user: Pick<User, 'id'>): string => String(user.id);

export const UserEntity = new EntitySchema<User>({
  name: 'User',
  tableName: 'users',
  columns: {
    id: { type: 'integer', primary: true, generated: 'increment' },
    username: { type: 'varchar', length: 64, unique: true },
    email: { type: 'varchar', length: 254, unique: true },
    displayName: { name: 'display_name', type: 'varchar', length: 128 },
    passwordHash: { name: 'password_hash', type: 'varchar', length: 255 },
    isAdmin: { name: 'is_admin', type: 'boolean', default: false },
    lang: { type: 'varchar', length: 8, nullable: true },
    ...timestampColumns,
  },
});
