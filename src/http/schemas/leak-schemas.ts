import { z } from 'zod';

/** Longest string looked at; a token of any kind is far shorter. */
const candidate = z.string().max(4096);

/** POST /api/v1/credentials/revoke: 1–1000 strings, whatever they hold. */
export const revokeCredentialsSchema = z.strictObject({
  credentials: z.array(candidate).min(1).max(1000).describe('tokens found where they should not be: PATs, OAuth access or refresh tokens'),
});

/** GitHub secret scanning's alert: the tokens it found and where (https://docs.github.com/code-security/secret-scanning/secret-scanning-partner-program). */
export const githubSecretScanningSchema = z
  .array(
    z.object({
      token: candidate,
      type: z.string().max(200),
      url: z.string().max(2048).optional(),
      source: z.string().max(200).optional(),
    }),
  )
  .min(1)
  .max(1000);

/** POST and DELETE /api/v1/admin/token. */
export const adminTokenSchema = z.strictObject({
  token: z.string().min(1).max(4096).describe('the token string'),
});
