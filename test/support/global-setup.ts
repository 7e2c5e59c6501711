import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const tsc = path.join(root, 'node_modules/typescript/bin/tsc');

/** Runs tsc with `args`; rejects with its output when it reports anything. */
function runTsc(what: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [tsc, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${what} failed (tsc exit ${code}):\n${output}`))));
  });
}

/**
 * Before any suite starts, two tsc runs side by side, and the test run fails if either reports
 * an error:
 * - the type check of everything, tests included (tsconfig.json). ts-jest compiles each file on its
 *   own (`isolatedModules`), which reports syntax errors only; checking the whole program once here
 *   costs a few seconds (incremental), where ts-jest's language service would check it in every worker;
 * - the build of dist/, which the suites that start real Tessera processes (multi-instance, faults,
 *   CLI) run: a build with errors must not be what they test.
 */
export default async function globalSetup(): Promise<void> {
  const results = await Promise.allSettled([
    runTsc('type check (tsc -p tsconfig.json --noEmit)', ['-p', 'tsconfig.json', '--noEmit', '--incremental', '--tsBuildInfoFile', 'dist/.typecheck.tsbuildinfo']),
    runTsc('build of dist/ (tsc -p tsconfig.build.json)', ['-p', 'tsconfig.build.json']),
  ]);
  const failures = results.flatMap((r) => (r.status === 'rejected' ? [String(r.reason instanceof Error ? r.reason.message : r.reason)] : []));
  if (failures.length) throw new Error(failures.join('\n'));
}
