import fs from 'node:fs';
import path from 'node:path';

/**
 * Secrets embedded mode makes on first start and keeps in DATA_DIR (the folder mode 0700, the
 * file 0600, JSON), so tokens, sessions and ID tokens survive restarts without any setup:
 * `readSecretFile(dir, name) ?? createSecretFile(dir, name, fresh)`.
 */

/** The file's content; undefined when there is no such file yet. */
export function readSecretFile<T>(dataDir: string, name: string): T | undefined {
  try {
    return JSON.parse(fs.readFileSync(path.join(dataDir, name), 'utf8')) as T;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    return undefined;
  }
}

/** Keeps `fresh` in the file and returns it; if another process created the file meanwhile, returns theirs. */
export function createSecretFile<T>(dataDir: string, name: string, fresh: T): T {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = path.join(dataDir, name);
  try {
    // 'wx' fails if the file exists.
    fs.writeFileSync(file, JSON.stringify(fresh, null, 2), { mode: 0o600, flag: 'wx' });
    return fresh;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  }
}
