import type { SecurityEvent, SecurityEventDetails, User } from '../entities/index.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { SecurityEventFilter, SecurityEventStore } from '../stores/security-event-store.js';
import type { ExpiringRows } from './cleanup-service.js';

/** Every action the security log records. */
export const SECURITY_ACTIONS = [
  'token.created',
  'token.updated',
  'token.regenerated',
  'token.rotated',
  'token.revoked',
  'token.leak_reported',
  'token.expired',
  'token.reuse_detected',
  'token.new_address',
  'impersonation_token.created',
  'oauth.grant_given',
  'oauth.grant_revoked',
  'user.signed_in',
  'user.sign_in_failed',
  'user.created',
  'user.deleted',
] as const;
export type SecurityAction = (typeof SECURITY_ACTIONS)[number];

/** Where a request came from, as a door saw it. */
export interface RequestOrigin {
  ip?: string;
  userAgent?: string;
  /** 'cli': an operator's `tessera` command, not a request; the entry has no actor and says so. */
  via?: 'cli';
}

/** An operator's `tessera` command: no actor, no address; entries carry details.via 'cli'. */
export const CLI: RequestOrigin = { via: 'cli' };

type Person = Pick<User, 'id' | 'username'>;

/** What a service tells the log; the log adds the time and trims what it stores. */
export interface SecurityEventInput {
  action: SecurityAction;
  /** Whose log it belongs to (a token's owner, the account signed in to); the name may be unknown. */
  user?: { id: number; username: string | null } | null;
  /** Who did it; omitted for the system or an anonymous reporter. */
  actor?: Person | null;
  token?: { id?: number; kind: string; hashedToken?: string | null };
  clientId?: string;
  origin?: RequestOrigin;
  details?: SecurityEventDetails;
}

/** Told of each entry once it is stored (mail, webhooks). Must not throw. */
export type SecurityEventListener = (event: SecurityEvent) => void;

export type SecurityLogSearch = SecurityEventFilter;

/**
 * The security log: every token event, grant and sign-in, with time, actor, client address and
 * user agent, and a token's public hash, never a secret. Recording never fails the action it
 * describes: if the database refuses the entry, it goes to the process log instead.
 */
export class SecurityLog {
  constructor(
    private readonly store: SecurityEventStore,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly listeners: readonly SecurityEventListener[] = [],
    /** A user's current name, for entries whose caller knows only the id (so a search by name finds them). */
    private readonly nameOf: (userId: number) => Promise<string | null> = async () => null,
  ) {}

  async record(input: SecurityEventInput): Promise<void> {
    const occurredAt = this.clock();
    let userName = input.user?.username ?? null;
    if (input.user && userName === null) userName = await this.nameOf(input.user.id).catch(() => null);
    const via = input.origin?.via;
    const event: Omit<SecurityEvent, 'id'> = {
      occurredAt,
      action: input.action,
      userId: input.user?.id ?? null,
      userName,
      actorId: input.actor?.id ?? null,
      actorName: input.actor?.username ?? null,
      tokenId: input.token?.id ?? null,
      tokenKind: input.token?.kind ?? null,
      hashedToken: input.token?.hashedToken ?? null,
      clientId: input.clientId?.slice(0, 255) ?? null,
      ip: input.origin?.ip?.slice(0, 64) ?? null,
      userAgent: input.origin?.userAgent?.slice(0, 255) || null,
      details: via ? { ...input.details, via } : (input.details ?? null),
    };
    try {
      await this.store.insert(event);
    } catch (err) {
      this.logger.error({ err, securityEvent: event }, 'security log entry not stored');
      return;
    }
    for (const listener of this.listeners) listener({ id: 0, ...event });
  }

  search(filter: SecurityLogSearch): Promise<[SecurityEvent[], number]> {
    return this.store.search(filter);
  }

  /** Entries older than `days` days, for the cleanup run. */
  retention(days: number): ExpiringRows {
    return {
      name: 'security_events',
      deleteExpired: (now, limit) => this.store.deleteOlderThan(new Date(now.getTime() - days * 86_400_000), limit),
    };
  }
}
