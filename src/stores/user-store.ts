import type { DataSource, Repository } from 'typeorm';
import { UserEntity, type User } from '../entities/index.js';

export type NewUser = Pick<User, 'username' | 'email' | 'displayName' | 'passwordHash' | 'isAdmin'>;

/** How a deletion ended: done, refused because the account is the last administrator, or no such account. */
export type UserDeletion = 'deleted' | 'last_admin' | 'not_found';

/**
 * Users, by id or username. Usernames and emails are found only as stored, byte for byte: the
 * columns compare in binary and the row is checked again here, so no collation of any database
 * can make another spelling find an account.
 */
export interface UserStore {
  create(user: NewUser, now: Date): Promise<User>;
  findById(id: number): Promise<User | null>;
  findByUsername(username: string): Promise<User | null>;
  findByEmail(email: string): Promise<User | null>;
  list(offset: number, limit: number): Promise<[User[], number]>;
  count(): Promise<number>;
  countAdmins(): Promise<number>;
  setPasswordHash(id: number, passwordHash: string, now: Date): Promise<void>;
  /** The language mail is written in. */
  setLang(id: number, lang: string): Promise<void>;
  /**
   * Deletes the account unless it is the last administrator, deciding on the rows as they are
   * when it deletes: administrators deleting each other at the same moment leave one.
   */
  delete(id: number): Promise<UserDeletion>;
}

export class TypeormUserStore implements UserStore {
  private readonly repo: Repository<User>;

  constructor(private readonly dataSource: DataSource) {
    this.repo = dataSource.getRepository(UserEntity);
  }

  create(user: NewUser, now: Date): Promise<User> {
    return this.repo.save({ ...user, createdAt: now, updatedAt: now });
  }

  findById(id: number): Promise<User | null> {
    return this.repo.findOneBy({ id });
  }

  async findByUsername(username: string): Promise<User | null> {
    const user = await this.repo.findOneBy({ username });
    return user?.username === username ? user : null;
  }

  async findByEmail(email: string): Promise<User | null> {
    const user = await this.repo.findOneBy({ email });
    return user?.email === email ? user : null;
  }

  list(offset: number, limit: number): Promise<[User[], number]> {
    return this.repo.findAndCount({ order: { id: 'ASC' }, skip: offset, take: limit });
  }

  count(): Promise<number> {
    return this.repo.count();
  }

  countAdmins(): Promise<number> {
    return this.repo.countBy({ isAdmin: true });
  }

  async setPasswordHash(id: number, passwordHash: string, now: Date): Promise<void> {
    await this.repo.update({ id }, { passwordHash, updatedAt: now });
  }

  async setLang(id: number, lang: string): Promise<void> {
    await this.repo.update({ id }, { lang });
  }

  // Each dialect needs its own way to check and delete as one step. MySQL refuses a DELETE whose
  // subquery reads the same table, so it locks the administrators' rows for the check instead.
  // SQLite cannot lock rows, and its one connection cannot hold a transaction across awaits
  // without taking other requests' statements into it; one statement is atomic there (SQLite
  // runs one writer at a time, across processes too).
  delete(id: number): Promise<UserDeletion> {
    return this.dataSource.options.type === 'mysql' ? this.deleteLockingAdmins(id) : this.deleteInOneStatement(id);
  }

  private deleteLockingAdmins(id: number): Promise<UserDeletion> {
    return this.dataSource.transaction(async (manager) => {
      const admins = await manager
        .createQueryBuilder(UserEntity, 'u')
        .select('u.id')
        .where('u.is_admin = :yes', { yes: true })
        .orderBy('u.id')
        .setLock('pessimistic_write')
        .getMany();
      if (admins.length === 1 && admins[0]!.id === id) return 'last_admin';
      const { affected } = await manager.delete(UserEntity, { id });
      return affected ? 'deleted' : 'not_found';
    });
  }

  private async deleteInOneStatement(id: number): Promise<UserDeletion> {
    const { affected } = await this.repo
      .createQueryBuilder()
      .delete()
      .where('id = :id', { id })
      .andWhere('(is_admin = 0 OR EXISTS (SELECT 1 FROM users other WHERE other.is_admin = 1 AND other.id <> :id))')
      .execute();
    if (affected) return 'deleted';
    return (await this.repo.existsBy({ id })) ? 'last_admin' : 'not_found';
  }
}
