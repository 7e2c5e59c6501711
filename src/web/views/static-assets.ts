import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** One file under public/, read once, with a content hash for cache-busting URLs. */
export interface StaticAsset {
  body: Buffer;
  type: string;
  etag: string;
  /** The URL pages link to: changes whenever the content does. */
  url: string;
}

const TYPES: Record<string, string> = { '.css': 'text/css; charset=utf-8', '.js': 'text/javascript; charset=utf-8' };

/** The repository root, found from this file whether it runs from src/ or dist/src/. */
function packageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('cannot find the package root for public/');
    dir = parent;
  }
  return dir;
}

function load(name: string): StaticAsset {
  const body = fs.readFileSync(path.join(packageRoot(), 'public', name));
  const hash = createHash('sha256').update(body).digest('base64url').slice(0, 12);
  return { body, type: TYPES[path.extname(name)] ?? 'application/octet-stream', etag: `"${hash}"`, url: `/static/${name}?v=${hash}` };
}

/**
 * The stylesheet and the copy-button script: the only static files the pages use. A Map, so a
 * request for `/static/__proto__` or `/static/constructor` finds nothing rather than a property
 * every plain object has.
 */
export const staticAssets: ReadonlyMap<string, StaticAsset> = new Map(['tessera.css', 'copy.js'].map((name) => [name, load(name)]));
