import { CreateUsersAndPersonalAccessTokens1763900000000 } from './1763900000000-CreateUsersAndPersonalAccessTokens.js';
import { CreateOAuthTables1763900100000 } from './1763900100000-CreateOAuthTables.js';
import { CreateWebSessions1763900200000 } from './1763900200000-CreateWebSessions.js';
import { ExactIdentifierCollations1764600000000 } from './1764600000000-ExactIdentifierCollations.js';
import { AddPostLogoutRedirectUris1764900000000 } from './1764900000000-AddPostLogoutRedirectUris.js';
import { CreateSettings1764900100000 } from './1764900100000-CreateSettings.js';
import { CreateSecurityLog1765000000000 } from './1765000000000-CreateSecurityLog.js';
import { CreateNotifications1765000200000 } from './1765000200000-CreateNotifications.js';
import { AddPatRotationAndLastUse1765000300000 } from './1765000300000-AddPatRotationAndLastUse.js';

/** Every migration, oldest first. Listed explicitly: no globbing, same in ESM, tests and the CLI. */
export const migrations = [
  CreateUsersAndPersonalAccessTokens1763900000000,
  CreateOAuthTables1763900100000,
  CreateWebSessions1763900200000,
  ExactIdentifierCollations1764600000000,
  AddPostLogoutRedirectUris1764900000000,
  CreateSettings1764900100000,
  CreateSecurityLog1765000000000,
  CreateNotifications1765000200000,
  AddPatRotationAndLastUse1765000300000,
];
