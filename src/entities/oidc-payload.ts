import { EntitySchema } from 'typeorm';

/**
 * One stored oidc-provider artifact (Grant, Session, AccessToken, RefreshToken, …, and the
 * short-lived ones when there is no Redis). Keyed by (model, id); the provider's ids are
 * random (token jtis), never a token the client could present to another endpoint.
 */
export interface OidcPayload {
  model: string;
  id: string;
  /** The provider's payload, JSON. */
  payload: string;
  grantId: string | null;
  /** Session uid (Session.findByUid). */
  uid: string | null;
  /** Device flow user code (DeviceCode.findByUserCode). */
  userCode: string | null;
  /** Indexed copies of payload fields, for "my authorized apps" and deleting an app. */
  accountId: string | null;
  clientId: string | null;
  expiresAt: Date | null;
  consumedAt: Date | null;
  /** Grants only: when a token was last issued under it. */
  lastUsedAt: Date | null;
  createdAt: Date;
}

export const OidcPayloadEntity = new EntitySchema<OidcPayload>({
  name: 'OidcPayload',
  tableName: 'oidc_payloads',
  columns: {
    model: { type: 'varchar', length: 40, primary: true },
    id: { type: 'varchar', length: 128, primary: true },
    payload: { type: 'text' },
    grantId: { name: 'grant_id', type: 'varchar', length: 128, nullable: true },
    uid: { type: 'varchar', length: 128, nullable: true },
    userCode: { name: 'user_code', type: 'varchar', length: 64, nullable: true },
    accountId: { name: 'account_id', type: 'varchar', length: 64, nullable: true },
    clientId: { name: 'client_id', type: 'varchar', length: 64, nullable: true },
    expiresAt: { name: 'expires_at', type: 'datetime', precision: 3, nullable: true },
    consumedAt: { name: 'consumed_at', type: 'datetime', precision: 3, nullable: true },
    lastUsedAt: { name: 'last_used_at', type: 'datetime', precision: 3, nullable: true },
    createdAt: { name: 'created_at', type: 'datetime', precision: 3 },
  },
  indices: [
    { name: 'idx_oidc_grant', columns: ['grantId'] },
    { name: 'idx_oidc_uid', columns: ['uid'] },
    { name: 'idx_oidc_user_code', columns: ['userCode'] },
    { name: 'idx_oidc_account', columns: ['accountId', 'model'] },
    { name: 'idx_oidc_client', columns: ['clientId'] },
    { name: 'idx_oidc_expires', columns: ['expiresAt'] },
  ],
});
