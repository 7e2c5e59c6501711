import type { Context } from 'koa';
import type { User } from '../../entities/index.js';
import type { PatKind, PatService } from '../../services/pat-service.js';
import { presentPat, presentPatWithSecret } from '../presenters/pat-presenter.js';
import { createPatSchema, listPatQuerySchema } from '../schemas/pat-schemas.js';
import { validate } from '../validate.js';
import { originOf } from '../request-origin.js';
import type { Clock } from '../../clock.js';

/** Handlers shared by /user/tokens and /users/:username/impersonation-tokens. */
export function patHandlers(pats: PatService, clock: Clock) {
  return {
    async list(ctx: Context, owner: User, kind: PatKind) {
      const query = validate(listPatQuerySchema, ctx.query);
      const [items, total] = await pats.list(owner, query, kind);
      const now = clock();
      ctx.set('X-Total-Count', String(total));
      ctx.set('Cache-Control', 'no-store');
      ctx.body = items.map((p) => presentPat(p, now, pats.usePolicy));
    },

    async create(ctx: Context, owner: User, kind: PatKind, issuer: User) {
      const { pat, token } = await pats.create(owner, validate(createPatSchema, ctx.request.body ?? {}), kind, issuer, originOf(ctx));
      ctx.status = 201;
      ctx.set('Cache-Control', 'no-store');
      ctx.set('Location', `${ctx.path.replace(/\/$/, '')}/${pat.id}`);
      ctx.body = presentPatWithSecret(pat, token, clock(), pats.usePolicy);
    },
  };
}
