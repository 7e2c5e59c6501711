import type { SecurityEvent } from '../../entities/index.js';
import type { SecurityEventResponse } from '../schemas/response-schemas.js';

export function presentSecurityEvent(e: SecurityEvent): SecurityEventResponse {
  return {
    id: e.id,
    created_at: e.occurredAt.toISOString(),
    action: e.action,
    user_id: e.userId,
    user: e.userName,
    actor_id: e.actorId,
    actor: e.actorName,
    token_id: e.tokenId,
    token_kind: e.tokenKind,
    hashed_token: e.hashedToken,
    client_id: e.clientId,
    ip: e.ip,
    user_agent: e.userAgent,
    details: e.details,
  };
}
