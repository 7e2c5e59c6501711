import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mysql from 'mysql2/promise';
import { freePort } from './processes.js';

/**
 * Throwaway Redis and MariaDB servers for fault tests: each started on a spare loopback port with
 * its own data, paused, resumed and stopped by its own PID only. The shared servers (3306, 6379)
 * are never touched.
 */
export interface BackendServer {
  port: number;
  /** redis://… or mysql://…, ready for REDIS_URL / DATABASE_URL. */
  url: string;
  readonly pid: number | undefined;
  /** SIGSTOP: the process stops answering but keeps its connections (a stalled server). */
  pause(): void;
  /** SIGCONT. */
  resume(): void;
  /** SIGKILL, waiting for the exit: connections are refused from now on. */
  stop(): Promise<void>;
  /** Starts the server again on the same port (and, for MariaDB, the same data). */
  start(): Promise<void>;
}

/** Whether an executable can be found (fault suites skip with a message when not). */
export function haveExecutable(file: string): boolean {
  if (path.isAbsolute(file)) return fs.existsSync(file);
  return spawnSync('sh', ['-c', `command -v ${file}`], { stdio: 'ignore' }).status === 0;
}

async function waitFor(what: string, ready: () => Promise<boolean>, child: () => ChildProcess, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child().exitCode !== null) throw new Error(`${what} exited with ${child().exitCode}`);
    if (await ready().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${what} did not start within ${timeoutMs} ms`);
}

/** A server process controlled by its own PID (the child this test started), whichever run of it is current. */
function serverControls(current: () => ChildProcess): Pick<BackendServer, 'pid' | 'pause' | 'resume' | 'stop'> {
  return {
    get pid() {
      return current().pid;
    },
    pause: () => void current().kill('SIGSTOP'),
    resume: () => void current().kill('SIGCONT'),
    async stop() {
      const child = current();
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGCONT');
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/** A redis-server on a spare loopback port, without persistence. */
export async function startRedisServer(): Promise<BackendServer> {
  const port = await freePort();
  let child: ChildProcess;
  const pingOk = () =>
    new Promise<boolean>((resolve) => {
      const probe = spawn('redis-cli', ['-p', String(port), 'ping'], { stdio: ['ignore', 'pipe', 'ignore'] });
      let out = '';
      probe.stdout!.on('data', (d: Buffer) => (out += d));
      probe.on('exit', () => resolve(out.includes('PONG')));
    });
  const start = async () => {
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    await waitFor('redis-server', pingOk, () => child);
  };
  await start();
  return Object.assign(serverControls(() => child), { port, url: `redis://127.0.0.1:${port}`, start });
}

export const MARIADBD = '/usr/sbin/mariadbd';

/**
 * A mariadbd of its own: `mariadb-install-db` into a temporary data directory (ignoring the
 * system's my.cnf), then the server on a spare loopback port. `destroy` stops it and removes its data.
 */
export async function startMariadbServer(): Promise<BackendServer & { destroy(): Promise<void> }> {
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-mariadb-'));
  const datadir = path.join(dir, 'data');
  const user = os.userInfo().username;
  const small = ['--innodb-buffer-pool-size=16M', '--innodb-log-file-size=8M'];
  execFileSync('mariadb-install-db', ['--no-defaults', `--datadir=${datadir}`, '--auth-root-authentication-method=normal', '--skip-test-db', `--user=${user}`, ...small], {
    stdio: 'ignore',
  });
  let child: ChildProcess;
  const ping = async () => {
    const connection = await mysql.createConnection({ host: '127.0.0.1', port, user: 'root', connectTimeout: 1000 });
    await connection.end();
    return true;
  };
  const start = async () => {
    child = spawn(
      MARIADBD,
      [
        '--no-defaults',
        `--datadir=${datadir}`,
        `--port=${port}`,
        `--socket=${path.join(dir, 'sock')}`,
        '--bind-address=127.0.0.1',
        `--user=${user}`,
        `--pid-file=${path.join(dir, 'mariadbd.pid')}`,
        `--log-error=${path.join(dir, 'error.log')}`,
        '--skip-log-bin',
        '--skip-name-resolve',
        ...small,
      ],
      { stdio: 'ignore' },
    );
    await waitFor('mariadbd', ping, () => child);
  };
  await start();
  const controls = serverControls(() => child);
  return Object.assign(controls, {
    port,
    url: `mysql://root@127.0.0.1:${port}`,
    start,
    async destroy() {
      await controls.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  });
}

/** Creates a database on a server of `startMariadbServer` and returns its DATABASE_URL. */
export async function createDatabase(server: Pick<BackendServer, 'port' | 'url'>, name: string): Promise<string> {
  const connection = await mysql.createConnection({ host: '127.0.0.1', port: server.port, user: 'root' });
  await connection.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await connection.end();
  return `${server.url}/${name}`;
}
