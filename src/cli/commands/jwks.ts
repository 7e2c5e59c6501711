import { generateSigningKeys } from '../../security/signing-keys.js';
import { parseCommand } from '../args.js';
import type { Command } from '../command.js';

const usage = 'tessera jwks generate';

/**
 * `tessera jwks generate`: a fresh private JWK Set (RS256 + ES256) for JWKS / JWKS_FILE in
 * production mode, made by the same code that embedded mode uses on first start.
 */
export const jwksGenerateCommand: Command = {
  path: ['jwks', 'generate'],
  summary: 'Print a new private JWK Set (one RS256 and one ES256 key) for JWKS or JWKS_FILE. Needs no configuration.',
  usage,
  async run(args) {
    parseCommand(args, {}, { min: 0, max: 0, usage });
    // The key set is JSON whatever --json says: it is meant to be redirected into a file.
    process.stdout.write(`${JSON.stringify(await generateSigningKeys(), null, 2)}\n`);
  },
};
