import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Suites that start real Tessera processes (multi-instance, fault and CLI tests) run the
 * compiled server, so compile once before any suite starts (incremental: fast when fresh).
 */
export default function globalSetup(): void {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
  try {
    execFileSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
      cwd: root,
      stdio: 'inherit',
    });
  } catch {
    // tsc still emits on type errors; `npm run typecheck` is what fails the build for those.
    process.stderr.write('warning: tsc reported errors while compiling dist/ for process-level tests\n');
  }
}
