import { spawn } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from '../support/processes.js';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the compiled `tessera` command (bin/tessera.js) as an operator would, over `env`. */
export function runCli(env: NodeJS.ProcessEnv, args: string[], options: { stdin?: string } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(repoRoot, 'bin/tessera.js'), ...args], {
      cwd: repoRoot,
      env: { PATH: process.env.PATH, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr: withoutRuntimeNotice(stderr) }));
    child.stdin.end(options.stdin ?? '');
  });
}

/** oidc-provider warns on Node 20 that it prefers Node 22; harmless, and not ours. */
function withoutRuntimeNotice(stderr: string): string {
  return stderr.replace(/^oidc-provider WARNING: Unsupported runtime.*\n/m, '');
}

/** The command's one-line error, with no stack trace. */
export function expectOneLineError(result: CliResult, pattern: RegExp): void {
  expect(result.stderr).toMatch(pattern);
  expect(result.stderr.trim().split('\n')).toHaveLength(1);
  expect(result.stderr).not.toMatch(/^\s+at /m);
  expect(result.stdout).toBe('');
}
