import { UserEntity } from './user.js';
import { PersonalAccessTokenEntity } from './personal-access-token.js';
import { WebSessionEntity } from './web-session.js';
import { OAuthApplicationEntity } from './oauth-application.js';
import { OidcPayloadEntity } from './oidc-payload.js';
import { SettingEntity } from './setting.js';
import { SecurityEventEntity } from './security-event.js';
import { NotificationEntity } from './notification.js';

export { accountIdOf, UserEntity, type User } from './user.js';
export { PersonalAccessTokenEntity, type PersonalAccessToken, type LastUsedIp } from './personal-access-token.js';
export { WebSessionEntity, type WebSession } from './web-session.js';
export { OAuthApplicationEntity, type OAuthApplication, type ApplicationGrantType, APPLICATION_GRANT_TYPES } from './oauth-application.js';
export { OidcPayloadEntity, type OidcPayload } from './oidc-payload.js';
export { SettingEntity, type Setting } from './setting.js';
export { SecurityEventEntity, type SecurityEvent, type SecurityEventDetails } from './security-event.js';
export { NotificationEntity, NOTIFICATION_KINDS, type Notification, type NotificationKind, type MailState } from './notification.js';

/** Every table Tessera maps; the data source registers exactly these. */
export const entities = [UserEntity, PersonalAccessTokenEntity, WebSessionEntity, OAuthApplicationEntity, OidcPayloadEntity, SettingEntity, SecurityEventEntity, NotificationEntity];
