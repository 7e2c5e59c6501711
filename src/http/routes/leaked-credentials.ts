import { createHash } from 'node:crypto';
import Router from '@koa/router';
import { ApiError, message, notFound } from '../../errors.js';
import type { GithubScanningKeys } from '../../security/github-scanning-keys.js';
import type { LeakReportThrottle } from '../../security/leak-report-throttle.js';
import type { LeakedTokens } from '../../services/leaked-tokens.js';
import { jsonBody } from '../middleware/body-parsers.js';
import { originOf } from '../request-origin.js';
import { githubSecretScanningSchema, revokeCredentialsSchema } from '../schemas/leak-schemas.js';
import type { RequestState } from '../state.js';
import { validate } from '../validate.js';

/** What the leak-report endpoints need. */
export interface LeakedCredentialRouteDeps {
  leakedTokens: Pick<LeakedTokens, 'report'>;
  leakReportThrottle: Pick<LeakReportThrottle, 'take'>;
  /** GitHub's secret-scanning keys; null when the operator configured none (the endpoint is then 404). */
  githubScanningKeys: Pick<GithubScanningKeys, 'verify'> | null;
}

const SIGNATURE_CHALLENGE = { 'WWW-Authenticate': 'Signature realm="github-secret-scanning", headers="Github-Public-Key-Identifier Github-Public-Key-Signature"' };

/**
 * /api/v1/credentials/… — somebody found tokens where they should not be. Unauthenticated (the
 * finder rarely owns them); the answer never says which strings were real tokens.
 */
export function leakedCredentialRoutes(c: LeakedCredentialRouteDeps): Router {
  const router = new Router<RequestState>({ prefix: '/api/v1/credentials' });

  router.post(
    '/revoke',
    // Counted before the body is read: every request costs the address one report.
    async function throttleLeakReports(ctx, next) {
      const wait = await c.leakReportThrottle.take(ctx.ip);
      if (wait !== undefined) throw new ApiError(429, 'slow_down', message('leak.too_many_reports', { seconds: wait }), { 'Retry-After': String(wait) });
      return next();
    },
    jsonBody(),
    async function reportLeakedCredentials(ctx) {
      const { credentials } = validate(revokeCredentialsSchema, ctx.request.body ?? {});
      await c.leakedTokens.report(credentials.map((token) => ({ token })), { source: 'api', origin: originOf(ctx) });
      ctx.status = 202;
      ctx.set('Cache-Control', 'no-store');
      ctx.body = {};
    },
  );

  router.post('/github-secret-scanning', jsonBody(), async function reportGithubSecretScanning(ctx) {
    if (!c.githubScanningKeys) throw notFound();
    const raw = Buffer.from(ctx.request.rawBody ?? '', 'utf8');
    if (!c.githubScanningKeys.verify(ctx.get('Github-Public-Key-Identifier') || undefined, ctx.get('Github-Public-Key-Signature') || undefined, raw)) {
      throw new ApiError(401, 'invalid_signature', message('leak.bad_signature'), SIGNATURE_CHALLENGE);
    }
    const alerts = validate(githubSecretScanningSchema, ctx.request.body ?? null);
    const outcomes = await c.leakedTokens.report(
      alerts.map(({ token, url }) => ({ token, url })),
      { source: 'github_secret_scanning', origin: originOf(ctx) },
    );
    ctx.set('Cache-Control', 'no-store');
    ctx.body = alerts.map((alert, i) => ({
      token_hash: createHash('sha256').update(alert.token, 'utf8').digest('hex'),
      token_type: alert.type,
      label: outcomes[i] === 'unknown' ? 'false_positive' : 'true_positive',
    }));
  });

  return router;
}
