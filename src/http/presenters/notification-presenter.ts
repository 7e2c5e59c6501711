import type { Notification } from '../../entities/index.js';
import type { NotificationResponse } from '../schemas/response-schemas.js';

export function presentNotification(n: Notification): NotificationResponse {
  return {
    id: n.id,
    created_at: n.createdAt.toISOString(),
    kind: n.kind,
    token_id: n.tokenId,
    token_name: n.tokenName,
    token_last_four: n.tokenLastFour,
    token_expires_at: n.tokenExpiresAt?.toISOString() ?? null,
    threshold_days: n.kind === 'token_expiring' ? n.thresholdDays : null,
    scopes: n.kind === 'sensitive_scope' ? n.scopes : null,
    read: n.readAt !== null,
    mail: n.mailState,
  };
}
