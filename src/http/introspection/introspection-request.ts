import { z } from 'zod';
import ipaddr from 'ipaddr.js';

/** RFC 9701's media type: ask for it in Accept to get the answer as a signed JWT. */
export const INTROSPECTION_JWT = 'application/token-introspection+jwt';

/** The form an introspection call posts (RFC 7662 §2.1, plus Tessera's end_user_ip). */
export const introspectionRequest = z.object({
  token: z.string({ error: 'token is required' }).min(1, 'token is required'),
  token_type_hint: z.string().max(64).optional(),
  /** Extension: the end user's address as the resource server saw it, for PAT IP allowlists. */
  end_user_ip: z
    .string()
    .refine((v) => ipaddr.isValid(v), 'must be an IPv4 or IPv6 address')
    .optional(),
  client_id: z.string().max(255).optional(),
  client_secret: z.string().max(512).optional(),
});

export type IntrospectionRequest = z.infer<typeof introspectionRequest>;
