import type { User } from '../entities/index.js';
import type { Logger } from '../logger.js';

/** What an administrator did to an account. */
export type AdminAction = 'user.create' | 'user.delete' | 'user.delete_refused' | 'impersonation_token.create';

/**
 * Told of every administrator action on an account; keeps a record of those that an
 * administrator takes on another administrator's account.
 */
export type AdminAudit = (actor: User, target: User, action: AdminAction) => void;

/** The audit record as one structured log line: ids and the action only, never names, emails or secrets. */
export function adminAuditLog(logger: Logger): AdminAudit {
  const log = logger.child({ audit: 'admin' });
  return function recordAdminAction(actor, target, action) {
    if (!actor.isAdmin || !target.isAdmin) return;
    log.info({ actorId: actor.id, targetId: target.id, action }, 'administrator acted on an administrator account');
  };
}
