import type { Account, FindAccount } from 'oidc-provider';
import type { UserService } from '../services/user-service.js';

/** Which claims each OIDC scope releases (openid → sub, profile → names, email → email). */
export const claimsByScope = {
  openid: ['sub'],
  profile: ['name', 'preferred_username'],
  email: ['email'],
};

/** oidc-provider's findAccount: Tessera users, looked up by id. */
export function findAccount(users: UserService): FindAccount {
  return async function findTesseraAccount(_ctx, sub): Promise<Account | undefined> {
    if (!/^[1-9][0-9]{0,9}$/.test(sub)) return undefined;
    const user = await users.findById(Number(sub));
    if (!user) return undefined;
    return {
      accountId: sub,
      async claims() {
        // The provider filters these down to what the granted scopes release.
        return { sub, name: user.displayName, preferred_username: user.username, email: user.email };
      },
    };
  };
}
