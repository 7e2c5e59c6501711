import type { Container } from '../../container.js';
import type { OAuthApplication } from '../../entities/index.js';
import { presentApplication, presentApplicationWithSecret } from '../../http/presenters/application-presenter.js';
import { createApplicationSchema } from '../../http/schemas/application-schemas.js';
import { listFlag, parseCommand } from '../args.js';
import { usageError } from '../cli-error.js';
import type { Command } from '../command.js';
import { findUser, validateInput } from '../inputs.js';
import { createOutput, fields, table } from '../output.js';
import { withContainer } from '../runtime.js';
import { CLI } from '../../services/security-log.js';

const createUsage =
  'tessera client create --name <name> --redirect-uri <uri> [--redirect-uri <uri2>] [--post-logout-redirect-uri <uri>] [--public] [--grant-types a,b] [--scopes a,b] [--introspection] [--owner <username>] [--homepage <url>] [--json]';

/** `tessera client create`: registers an OAuth app (an oidc-provider client) and prints its secret once. */
export const clientCreateCommand: Command = {
  path: ['client', 'create'],
  summary: 'Register an OAuth app and print its client_id and client_secret (the secret is shown this once only).',
  usage: createUsage,
  options: [
    '--name <name>            the app\'s name, shown on the consent page (required)',
    '--redirect-uri <uri>     an allowed redirect URI; repeat for more (needed for authorization_code)',
    '--post-logout-redirect-uri <uri>',
    '                         where RP-initiated logout may return the browser; repeat for more',
    '--public                 a public client (no secret; PKCE required), e.g. a native or browser app',
    '--grant-types <a,b>      authorization_code, refresh_token, client_credentials,',
    '                         urn:ietf:params:oauth:grant-type:device_code (default: authorization_code,refresh_token)',
    '--scopes <a,b>           the only scopes the app may request (default: any scope of the registry);',
    '                         lists take commas or spaces, or a repeated flag',
    '--introspection          allow the app to call the introspection endpoint (resource servers)',
    '--owner <username>       the user who owns the app (default: none, an operator-managed app)',
    '--homepage <url>         the app\'s homepage',
  ],
  flags: {
    name: '--name',
    homepage_url: '--homepage',
    redirect_uris: '--redirect-uri',
    post_logout_redirect_uris: '--post-logout-redirect-uri',
    type: '--public',
    grant_types: '--grant-types',
    scopes: '--scopes',
    introspection: '--introspection',
  },
  async run(args) {
    const { values } = parseCommand(
      args,
      {
        name: { type: 'string' },
        'redirect-uri': { type: 'string', multiple: true },
        'post-logout-redirect-uri': { type: 'string', multiple: true },
        public: { type: 'boolean', default: false },
        'grant-types': { type: 'string', multiple: true },
        scopes: { type: 'string', multiple: true },
        introspection: { type: 'boolean', default: false },
        owner: { type: 'string' },
        homepage: { type: 'string' },
      },
      { min: 0, max: 0, usage: createUsage },
    );
    const input = validateInput(createApplicationSchema, {
      name: values.name ?? '',
      homepage_url: values.homepage,
      redirect_uris: values['redirect-uri'] ?? [],
      post_logout_redirect_uris: values['post-logout-redirect-uri'] ?? [],
      type: values.public ? 'public' : 'confidential',
      grant_types: listFlag(values['grant-types']),
      scopes: listFlag(values.scopes),
      introspection: values.introspection,
    });
    const record = await withContainer(async (c) => {
      const owner = values.owner ? await findUser(c, values.owner) : null;
      const { app, secret } = await c.applications.create(owner, input);
      return { ...presentApplicationWithSecret(app, secret), owner: owner?.username ?? null };
    });
    const out = createOutput(values.json);
    if (!out.json && record.client_secret) process.stderr.write('Copy the client secret now: it will not be shown again.\n');
    out.result(record, () =>
      fields({
        client_id: record.client_id,
        client_secret: record.client_secret ?? '(none: public client)',
        name: record.name,
        type: record.type,
        grant_types: record.grant_types,
        redirect_uris: record.redirect_uris,
        post_logout_redirect_uris: record.post_logout_redirect_uris,
        introspection: record.introspection,
      }),
    );
  },
};

const listUsage = 'tessera client list [--json]';

/** `tessera client list`: every OAuth app, whoever registered it. Never the secrets. */
export const clientListCommand: Command = {
  path: ['client', 'list'],
  summary: 'List every OAuth app, whoever registered it. Secrets are never shown.',
  usage: listUsage,
  async run(args) {
    const { values } = parseCommand(args, {}, { min: 0, max: 0, usage: listUsage });
    const rows = await withContainer(async (c) => Promise.all((await c.applications.listAll()).map((app) => presentWithOwner(c, app))));
    createOutput(values.json).result(rows, () => table(rows, ['client_id', 'name', 'type', 'grant_types', 'introspection', 'owner', 'created_at']));
  },
};

const deleteUsage = 'tessera client delete <client_id> [--json]';

/** `tessera client delete`: removes the app and revokes every grant and token issued to it. */
export const clientDeleteCommand: Command = {
  path: ['client', 'delete'],
  summary: 'Delete an OAuth app; every grant and token issued to it stops working at once.',
  usage: deleteUsage,
  async run(args) {
    const { values, positionals } = parseCommand(args, {}, { min: 1, max: 1, usage: deleteUsage });
    const clientId = positionals[0]!;
    await withContainer((c) => c.applications.deleteByClientId(clientId, CLI));
    createOutput(values.json).result({ client_id: clientId, deleted: true }, () => `Deleted app ${clientId}.`);
  },
};

const introspectionUsage = 'tessera client set-introspection <client_id> on|off [--json]';

/** `tessera client set-introspection`: the per-client permission to call the introspection endpoint. */
export const clientSetIntrospectionCommand: Command = {
  path: ['client', 'set-introspection'],
  summary: 'Allow (on) or forbid (off) an OAuth app to call the introspection endpoint.',
  usage: introspectionUsage,
  async run(args) {
    const { values, positionals } = parseCommand(args, {}, { min: 2, max: 2, usage: introspectionUsage });
    const [clientId, setting] = positionals as [string, string];
    if (setting !== 'on' && setting !== 'off') throw usageError(`the setting must be "on" or "off", not "${setting}"`);
    const record = await withContainer(async (c) => presentWithOwner(c, await c.applications.setIntrospection(clientId, setting === 'on')));
    createOutput(values.json).result(record, () => `Introspection ${setting === 'on' ? 'allowed' : 'forbidden'} for app ${clientId} (${record.name}).`);
  },
};

async function presentWithOwner(c: Container, app: OAuthApplication) {
  const owner = app.userId === null ? null : await c.users.findById(app.userId);
  return { ...presentApplication(app), owner: owner?.username ?? null };
}
