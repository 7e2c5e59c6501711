#!/usr/bin/env node
// The `tessera` command: a shim over the compiled CLI (npm ci runs `prepare`, which builds dist/).
import { existsSync } from 'node:fs';

const main = new URL('../dist/src/cli/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write('tessera: dist/ is missing; run `npm run build` first\n');
  process.exit(1);
}
await import(main.href);
