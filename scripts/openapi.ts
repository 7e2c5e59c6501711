import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openApiText } from '../src/http/openapi/document.js';

/** `npm run openapi`: writes docs/openapi.json from the routes' zod schemas (test/api/openapi.test.ts checks it is current). */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const file = path.join(root, 'docs/openapi.json');
fs.writeFileSync(file, openApiText());
process.stdout.write(`wrote ${path.relative(process.cwd(), file)}\n`);
