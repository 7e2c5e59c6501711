import type { DataSource, Repository } from 'typeorm';
import { SettingEntity, type Setting } from '../entities/index.js';

/** Named settings (JSON text) in the `settings` table. */
export interface SettingsStore {
  get(name: string): Promise<Setting | null>;
  /** Inserts or replaces the setting (one statement: instances starting together do not collide). */
  put(name: string, value: string, now: Date): Promise<void>;
}

export class TypeormSettingsStore implements SettingsStore {
  private readonly repo: Repository<Setting>;

  constructor(dataSource: DataSource) {
    this.repo = dataSource.getRepository(SettingEntity);
  }

  get(name: string): Promise<Setting | null> {
    return this.repo.findOneBy({ name });
  }

  async put(name: string, value: string, now: Date): Promise<void> {
    await this.repo.upsert({ name, value, updatedAt: now }, ['name']);
  }
}
