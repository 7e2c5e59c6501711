import { randomBytes } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { User } from '../entities/index.js';
import { ApiError, invalidField, message, notFound } from '../errors.js';
import { canonicalEmail, canonicalUsername, isNewUsername } from '../security/identifiers.js';
import type { Revocations } from '../revocation/revocation-notifier.js';
import type { PasswordHasher } from '../security/password-hasher.js';
import type { UserStore } from '../stores/user-store.js';
import type { PatStore } from '../stores/pat-store.js';
import type { AdminAudit } from './admin-audit.js';
import type { RequestOrigin, SecurityLog } from './security-log.js';

/** What the first start found: it made `admin`, or there is an administrator already, or users but no administrator. */
export type FirstAdministrator =
  | { outcome: 'created'; user: User; password: string }
  | { outcome: 'admin_exists' }
  | { outcome: 'no_admin'; users: number };

export interface CreateUserInput {
  username: string;
  email: string;
  displayName?: string;
  password: string;
  isAdmin?: boolean;
}

/** Accounts: creation, lookup, deletion. Password sign-in is security/password-sign-in.ts. */
export class UserService {
  constructor(
    private readonly users: UserStore,
    private readonly hasher: PasswordHasher,
    private readonly clock: Clock,
    /** After a deletion: every token acting for the account dies on every instance. */
    private readonly revocations: Pick<Revocations, 'userDeleted'>,
    /** After a password change: ends the account's sign-in sessions (web pages, authorization server). */
    private readonly endSessions: (user: User) => Promise<void>,
    private readonly audit: AdminAudit = () => {},
    private readonly log: Pick<SecurityLog, 'record'> = { record: async () => {} },
    /** The account's tokens, read before a deletion takes them, for the security log. */
    private readonly pats: Pick<PatStore, 'listForUser'> = { listForUser: async () => [] },
  ) {}

  /**
   * A new account; `actor` is the administrator creating it (none for the CLI and the first
   * start). The username must already be in its one canonical form (docs/security.md): it is
   * stored and compared exactly as given, never folded. The email is stored lower-cased.
   */
  async create(input: CreateUserInput, actor?: User, origin?: RequestOrigin): Promise<User> {
    const { username } = input;
    if (!isNewUsername(username)) throw invalidField('username', 'v.username');
    const email = canonicalEmail(input.email);
    if (await this.users.findByUsername(username)) throw new ApiError(409, 'conflict', message('user.username_taken', { username }));
    if (await this.users.findByEmail(email)) throw new ApiError(409, 'conflict', message('user.email_taken', { email }));
    const user = await this.users.create(
      {
        username,
        email,
        displayName: input.displayName ?? username,
        passwordHash: await this.hasher.hash(input.password),
        isAdmin: input.isAdmin ?? false,
      },
      this.clock(),
    );
    if (actor) this.audit(actor, user, 'user.create');
    await this.log.record({ action: 'user.created', user, actor: origin?.via === 'cli' ? null : (actor ?? null), origin, details: { admin: user.isAdmin } });
    return user;
  }

  findById(id: number): Promise<User | null> {
    return this.users.findById(id);
  }

  /**
   * Deletes the account; its PATs go with it (foreign key cascade). The user's revocation
   * marker makes every token acting for them inactive on every instance before this returns.
   * The last administrator is never deleted (409), so an instance always keeps one.
   */
  async delete(user: User, actor: User, origin?: RequestOrigin): Promise<void> {
    // Read first: the deletion takes the tokens with it. Those already revoked need no second entry.
    const tokens = (await this.pats.listForUser(user.id)).filter((p) => !p.revokedAt);
    const outcome = await this.users.delete(user.id);
    if (outcome === 'last_admin') {
      this.audit(actor, user, 'user.delete_refused');
      throw new ApiError(409, 'conflict', message('user.last_admin', { username: user.username }));
    }
    if (outcome === 'not_found') throw notFound('user');
    this.audit(actor, user, 'user.delete');
    await this.revocations.userDeleted(user.id);
    const by = { actor, origin };
    for (const pat of tokens) {
      await this.log.record({
        action: 'token.revoked',
        user,
        ...by,
        token: { id: pat.id, kind: 'personal_access_token', hashedToken: pat.hashedToken },
        details: { reason: 'user_deleted', impersonation: pat.impersonation },
      });
    }
    await this.log.record({ action: 'user.deleted', user, ...by, details: { tokens_revoked: tokens.length } });
  }

  /** The account a typed name (a URL segment) names, in canonical form; 404 when none can. */
  async getByUsername(typed: string): Promise<User> {
    const username = canonicalUsername(typed);
    const user = username && (await this.users.findByUsername(username));
    if (!user) throw notFound('user');
    return user;
  }

  list(offset: number, limit: number): Promise<[User[], number]> {
    return this.users.list(offset, limit);
  }

  /**
   * A new password for the account (an operator's reset: `tessera user set-password`). Every
   * place the account is signed in (web pages, the OAuth sign-in) is signed out; its tokens stay.
   */
  /** Remembers the language of the user's pages, for the mail Tessera sends them (docs/notifications.md). */
  async rememberLang(user: Pick<User, 'id' | 'lang'>, lang: 'en' | 'zh'): Promise<void> {
    if (user.lang !== lang) await this.users.setLang(user.id, lang);
  }

  async setPassword(user: User, password: string): Promise<void> {
    await this.users.setPasswordHash(user.id, await this.hasher.hash(password), this.clock());
    await this.endSessions(user);
  }

  /**
   * On first start (no users at all) creates `admin` and returns its password so the caller can
   * show it once. Otherwise says whether an administrator exists: users made before the first
   * start (with the CLI) leave none, and the caller must tell the operator.
   */
  async bootstrapAdmin(presetPassword?: string): Promise<FirstAdministrator> {
    const users = await this.users.count();
    if (users > 0) return (await this.users.countAdmins()) > 0 ? { outcome: 'admin_exists' } : { outcome: 'no_admin', users };
    const password = presetPassword ?? randomBytes(18).toString('base64url');
    try {
      const user = await this.create({ username: 'admin', email: 'admin@localhost', displayName: 'Administrator', password, isAdmin: true });
      return { outcome: 'created', user, password };
    } catch (err) {
      // Another instance starting at the same moment made it.
      if (err instanceof ApiError && err.status === 409) return { outcome: 'admin_exists' };
      if (/duplicate|unique/i.test(String((err as Error).message))) return { outcome: 'admin_exists' };
      throw err;
    }
  }
}
