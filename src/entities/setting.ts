import { EntitySchema } from 'typeorm';

/** One named setting the server keeps in the database (JSON text), e.g. `issuance_policy`. */
export interface Setting {
  name: string;
  value: string;
  updatedAt: Date;
}

export const SettingEntity = new EntitySchema<Setting>({
  name: 'Setting',
  tableName: 'settings',
  columns: {
    name: { type: 'varchar', length: 64, primary: true },
    value: { type: 'text' },
    updatedAt: { name: 'updated_at', type: 'datetime', precision: 3 },
  },
});
