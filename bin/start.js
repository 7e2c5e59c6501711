#!/usr/bin/env node
// `npm start`: the compiled server, at once. `npm ci` compiles dist/ once (its `prepare` step);
// after changing the sources, `npm run build` (incremental) compiles again. Starting never
// compiles: it only says so when the sources are newer than what was built.
import { existsSync, readdirSync, statSync } from 'node:fs';

const root = new URL('../', import.meta.url);
const main = new URL('dist/src/main.js', root);
if (!existsSync(main)) {
  process.stderr.write('tessera: dist/ is missing; run `npm run build` first (npm ci does it too)\n');
  process.exit(1);
}

/** The newest modification time of the .ts files under a directory (0 when there is none, as in the Docker image). */
function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(`${entry.parentPath ?? entry.path}/${entry.name}`).mtimeMs);
  }
  return newest;
}

const builtAt = statSync(new URL('dist/.tsbuildinfo', root), { throwIfNoEntry: false })?.mtimeMs ?? statSync(main).mtimeMs;
const sources = ['src', 'migrations'].map((d) => new URL(d, root)).filter((u) => existsSync(u));
if (sources.some((dir) => newestSource(dir) > builtAt)) {
  process.stderr.write('tessera: note: the sources changed after dist/ was built; this runs the build from before (`npm run build` updates it)\n');
}
await import(main.href);
