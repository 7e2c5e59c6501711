import type { DataSource, Repository } from 'typeorm';
import { OAuthApplicationEntity, type OAuthApplication } from '../entities/index.js';

export type NewApplication = Omit<OAuthApplication, 'id' | 'createdAt' | 'updatedAt'>;
export type ApplicationChanges = Partial<
  Pick<OAuthApplication, 'name' | 'homepageUrl' | 'redirectUris' | 'postLogoutRedirectUris' | 'grantTypes' | 'scopes' | 'introspection' | 'secretDigest' | 'secretLastFour'>
>;

/** OAuth apps. Owner-scoped reads for the API; the client_id lookup serves the provider. */
export interface ApplicationStore {
  create(app: NewApplication, now: Date): Promise<OAuthApplication>;
  findByClientId(clientId: string): Promise<OAuthApplication | null>;
  findForUser(userId: number, id: number): Promise<OAuthApplication | null>;
  listForUser(userId: number): Promise<OAuthApplication[]>;
  /** Every app, whoever registered it: operator tools (the CLI) only. */
  listAll(): Promise<OAuthApplication[]>;
  update(app: OAuthApplication, changes: ApplicationChanges, now: Date): Promise<OAuthApplication>;
  delete(id: number): Promise<void>;
}

export class TypeormApplicationStore implements ApplicationStore {
  private readonly repo: Repository<OAuthApplication>;

  constructor(dataSource: DataSource) {
    this.repo = dataSource.getRepository(OAuthApplicationEntity);
  }

  create(app: NewApplication, now: Date): Promise<OAuthApplication> {
    return this.repo.save({ ...app, createdAt: now, updatedAt: now });
  }

  /** Exact match only: a database collation that ignores case or trailing spaces must not widen it. */
  async findByClientId(clientId: string): Promise<OAuthApplication | null> {
    const app = await this.repo.findOneBy({ clientId });
    return app && app.clientId === clientId ? app : null;
  }

  findForUser(userId: number, id: number): Promise<OAuthApplication | null> {
    return this.repo.findOneBy({ id, userId });
  }

  listForUser(userId: number): Promise<OAuthApplication[]> {
    return this.repo.find({ where: { userId }, order: { id: 'ASC' } });
  }

  listAll(): Promise<OAuthApplication[]> {
    return this.repo.find({ order: { id: 'ASC' } });
  }

  async update(app: OAuthApplication, changes: ApplicationChanges, now: Date): Promise<OAuthApplication> {
    await this.repo.update({ id: app.id }, { ...changes, updatedAt: now });
    return { ...app, ...changes, updatedAt: now };
  }

  async delete(id: number): Promise<void> {
    await this.repo.delete({ id });
  }
}
