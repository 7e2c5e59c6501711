import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { basicAuth, startOverOneEnvironment, type Instances } from './harness.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * A free loopback port below the kernel's ephemeral range (32768–60999 here), chosen at random.
 * Outside that range on purpose: once a server on an ephemeral port stops, a client connecting to
 * it can be handed that very port as its own source port and connect to itself (a TCP
 * self-connect), so "the port refuses connections now" would fail at random.
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (await canListen(port)) return port;
  }
  throw new Error('no free port between 20000 and 32000');
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

export interface TesseraProcess {
  url: string;
  child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/** The administrator a spawned Tessera creates on its first start (TESSERA_ADMIN_PASSWORD), unless the env names another password. */
export const SPAWNED_ADMIN = { username: 'admin', password: 'admin-password-for-tests', basic: basicAuth('admin', 'admin-password-for-tests') };

/** Starts `node dist/src/main.js` (compiled by the jest global setup) and waits for /healthz. */
export async function spawnTessera(env: NodeJS.ProcessEnv): Promise<TesseraProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(repoRoot, 'dist/src/main.js')], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH, ...env, PORT: String(port), TESSERA_ADMIN_PASSWORD: env.TESSERA_ADMIN_PASSWORD ?? SPAWNED_ADMIN.password },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`tessera exited with ${child.exitCode}:\n${output}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`tessera did not start within 20 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    child,
    output: () => output,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Tessera processes over one fresh environment, one per entry of `settings` (added to the environment's variables). */
export function spawnInstances<const Settings extends readonly NodeJS.ProcessEnv[]>(settings: Settings): Promise<Instances<{ -readonly [K in keyof Settings]: TesseraProcess }>> {
  return startOverOneEnvironment(settings, (environment, env) => spawnTessera({ ...environment.env, ...env }), (process) => process.stop());
}
