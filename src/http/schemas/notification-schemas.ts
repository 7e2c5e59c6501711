import { z } from 'zod';

/** GET /api/v1/user/notifications: a page, newest first. */
export const notificationQuerySchema = z.object({
  offset: z.coerce.number().int('v.whole_number').min(0).max(2147483647).default(0),
  limit: z.coerce.number().int('v.whole_number').min(1).max(100).default(30),
});
