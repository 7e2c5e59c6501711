import type { DataSource, Repository } from 'typeorm';
import { UserEntity, type User } from '../entities/index.js';

export type NewUser = Pick<User, 'username' | 'email' | 'displayName' | 'passwordHash' | 'isAdmin'>;

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
  delete(id: number): Promise<void>;
}

export class TypeormUserStore implements UserStore {
  private readonly repo: Repository<User>;

  constructor(dataSource: DataSource) {
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

  async delete(id: number): Promise<void> {
    await this.repo.delete({ id });
  }
}
