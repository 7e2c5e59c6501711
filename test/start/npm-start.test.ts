import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createTestEnvironment, productionMode, type TestEnvironment } from '../support/harness.js';
import { freePort, repoRoot } from '../support/processes.js';

/**
 * `npm start` runs what `npm ci` built (its `prepare` step) and never compiles: a fresh clone is
 * `npm ci && npm start`, and every later start is quick.
 */
describe('npm start', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> };

  it('has no build step of its own; npm ci builds once', () => {
    expect(pkg.scripts.prestart).toBeUndefined();
    expect(pkg.scripts.poststart).toBeUndefined();
    expect(pkg.scripts.start).not.toMatch(/tsc|build/);
    expect(pkg.scripts.prepare).toMatch(/tsc/);
  });

  (productionMode ? it.skip : it)('serves from the built code, with no compiler run', async () => {
    const environment: TestEnvironment = await createTestEnvironment();
    const port = await freePort();
    const child = spawn('npm', ['start'], {
      cwd: repoRoot,
      env: { ...environment.env, PATH: process.env.PATH, PORT: String(port), TESSERA_ADMIN_PASSWORD: 'start-test-password' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let output = '';
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    try {
      const deadline = Date.now() + 20_000;
      let up = false;
      while (!up && Date.now() < deadline && child.exitCode === null) {
        up = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false);
        if (!up) await new Promise((r) => setTimeout(r, 100));
      }
      expect({ up, output: up ? '' : output }).toEqual({ up: true, output: '' });
      expect(output).toContain('node bin/start.js');
      expect(output).not.toMatch(/\btsc\b|npm run build/);
    } finally {
      if (child.exitCode === null) process.kill(-child.pid!, 'SIGTERM');
      await new Promise((r) => (child.exitCode === null ? child.once('exit', r) : r(null)));
      await environment.destroy();
    }
  }, 30_000);
});
