/** A client calling the introspection endpoint, once authenticated. */
export interface IntrospectionCaller {
  clientId: string;
  /** The per-client permission to introspect (set with the CLI or the apps API). */
  mayIntrospect: boolean;
}

/**
 * Authenticates introspection callers (client_id + client_secret). Implemented over the
 * OAuth applications store; narrow so the endpoint does not know how secrets are kept.
 */
export interface IntrospectionCallers {
  /** The caller if the secret is right; null for an unknown client or a wrong secret. */
  authenticate(clientId: string, clientSecret: string): Promise<IntrospectionCaller | null>;
}
