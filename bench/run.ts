import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import autocannon from 'autocannon';
import mysql from 'mysql2/promise';
import { generateSigningKeys } from '../src/security/signing-keys.js';

/**
 * `npm run bench`: starts MariaDB-backed Tessera (with Redis) and a bare Koa endpoint as
 * separate processes, measures each scenario with autocannon (50 connections for
 * throughput, 4 for latency), prints ratios to the bare Koa figure and writes
 * docs/performance.md. A measurement, never a test: nothing here fails on a number.
 *
 * Shared machines drift (other tenants, CPU steal), so each scenario's throughput is measured in
 * rounds, each right after a run of the ceiling, and its ratio is the median of those pairs.
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const DURATION = Number(process.env.BENCH_DURATION ?? 4);
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 5));
const LATENCY_DURATION = Number(process.env.BENCH_LATENCY_DURATION ?? 10);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 2);
const DATABASE_URL = process.env.DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/test';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const ADMIN_PASSWORD = 'bench-admin-password';

interface Scenario {
  name: string;
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
  /** Status every response must have; anything else is counted as an error. */
  expect: number;
}

interface Result {
  name: string;
  rps: number;
  /** Median over the rounds of (scenario req/s ÷ the ceiling's req/s just before it). */
  ratio: number;
  p50: number;
  p99: number;
  p50At4: number;
  p99At4: number;
  /** Server CPU time (user + system) per request at 50 connections, µs; null off Linux. */
  cpuPerRequest: number | null;
  errors: number;
}

/** 1-minute load average when the run started: other work on the machine skews every figure. */
const loadAtStart = os.loadavg()[0]!;

async function main(): Promise<void> {
  const base = new URL(DATABASE_URL);
  const database = `tessera_bench_${randomBytes(3).toString('hex')}`;
  const conn = await mysql.createConnection({ host: base.hostname, port: Number(base.port || 3306), user: decodeURIComponent(base.username), password: decodeURIComponent(base.password) });
  await conn.query(`CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  const dbUrl = new URL(base);
  dbUrl.pathname = `/${database}`;

  const children: ChildProcess[] = [];
  try {
    const tesseraPort = 45000 + Math.floor(Math.random() * 1000);
    const tessera = await startProcess(children, 'dist/src/main.js', {
      PORT: String(tesseraPort),
      DATABASE_URL: dbUrl.toString(),
      REDIS_URL,
      REDIS_KEY_PREFIX: `${database}:`,
      TOKEN_PEPPER: randomBytes(32).toString('hex'),
      COOKIE_KEYS: randomBytes(32).toString('hex'),
      TESSERA_ADMIN_PASSWORD: ADMIN_PASSWORD,
      // Production mode takes its signing keys from the operator; the bench is the operator here.
      JWKS: JSON.stringify(await generateSigningKeys()),
      DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-bench-')),
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
    }, `http://127.0.0.1:${tesseraPort}/healthz`);
    const barePort = tesseraPort + 1000;
    const bare = await startProcess(children, 'dist/bench/bare-koa.js', { PORT: String(barePort) }, `http://127.0.0.1:${barePort}/`);
    // BENCH_ONLY=<substring>: measure only matching scenarios (the ceiling is always measured).
    const only = process.env.BENCH_ONLY;
    const scenarios = (await prepareScenarios(tessera, bare)).filter((s, i) => i === 0 || !only || s.name.includes(only));

    const [ceiling, ...measured] = scenarios as [Scenario, ...Scenario[]];
    // Which process answers a scenario: its CPU per request does not depend on what else runs.
    const serverOf = (scenario: Scenario) => (scenario === ceiling ? children[1]! : children[0]!);
    const ceilingRuns: Run[] = [];
    const results: Result[] = [];
    await measure(ceiling, 50, WARMUP);
    for (const scenario of measured) {
      process.stderr.write(`measuring ${scenario.name} …\n`);
      await measure(scenario, 50, WARMUP);
      const runs: Run[] = [];
      const ratios: number[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        const before = await loadedRun(ceiling, serverOf(ceiling));
        const run = await loadedRun(scenario, serverOf(scenario));
        ceilingRuns.push(before);
        runs.push(run);
        ratios.push(run.result.requests.average / before.result.requests.average);
      }
      results.push(summarise(scenario, runs, median(ratios), await measure(scenario, 4, LATENCY_DURATION)));
    }
    results.unshift(summarise(ceiling, ceilingRuns, 1, await measure(ceiling, 4, LATENCY_DURATION)));
    report(results);
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await conn.query(`DROP DATABASE IF EXISTS \`${database}\``);
    await conn.end();
  }
}

interface Run {
  result: autocannon.Result;
  /** Server CPU µs per request during the run; null off Linux. */
  cpuPerRequest: number | null;
}

async function loadedRun(scenario: Scenario, server: ChildProcess): Promise<Run> {
  const cpuBefore = cpuSeconds(server.pid);
  const result = await measure(scenario, 50, DURATION);
  const cpuAfter = cpuSeconds(server.pid);
  const cpuPerRequest = cpuBefore !== null && cpuAfter !== null ? ((cpuAfter - cpuBefore) * 1e6) / Math.max(1, result.requests.total) : null;
  return { result, cpuPerRequest };
}

/** A scenario's row: medians over its loaded rounds, latency from its 4-connection run. */
function summarise(scenario: Scenario, runs: Run[], ratio: number, light: autocannon.Result): Result {
  const cpu = runs.map((r) => r.cpuPerRequest).filter((v): v is number => v !== null);
  return {
    name: scenario.name,
    rps: median(runs.map((r) => r.result.requests.average)),
    ratio,
    p50: median(runs.map((r) => r.result.latency.p50)),
    p99: median(runs.map((r) => r.result.latency.p99)),
    p50At4: light.latency.p50,
    p99At4: light.latency.p99,
    cpuPerRequest: cpu.length ? median(cpu) : null,
    errors: runs.reduce((n, r) => n + r.result.non2xx + r.result.errors, 0) + light.non2xx + light.errors,
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

async function prepareScenarios(tessera: string, bare: string): Promise<Scenario[]> {
  const admin = `Basic ${Buffer.from(`admin:${ADMIN_PASSWORD}`).toString('base64')}`;
  const json = { 'Content-Type': 'application/json', Authorization: admin };
  const pat = await post(`${tessera}/api/v1/user/tokens`, json, JSON.stringify({ name: 'bench', scopes: ['user', 'project'] }));
  const scenarios: Scenario[] = [];
  const form = { 'Content-Type': 'application/x-www-form-urlencoded' };
  scenarios.push({ name: 'bare Koa endpoint (ceiling)', url: `${bare}/`, method: 'POST', headers: form, body: 'token=x', expect: 200 });

  const discovery = (await (await fetch(`${tessera}/.well-known/openid-configuration`)).json().catch(() => ({}))) as Record<string, string>;
  const app = await post(
    `${tessera}/api/v1/user/applications`,
    json,
    JSON.stringify({ name: 'bench resource server', redirect_uris: ['https://rs.example/cb'], type: 'confidential', grant_types: ['client_credentials'], introspection: true }),
  ).catch(() => null);
  if (app && discovery.introspection_endpoint && discovery.token_endpoint) {
    const caller = `Basic ${Buffer.from(`${encodeURIComponent(app.client_id)}:${encodeURIComponent(app.client_secret)}`).toString('base64')}`;
    const accessToken = await post(discovery.token_endpoint, { ...form, Authorization: caller }, 'grant_type=client_credentials&scope=project');
    const introspect = (token: string) => `token=${encodeURIComponent(token)}`;
    const headers = { ...form, Authorization: caller };
    scenarios.push({ name: 'PAT introspection', url: discovery.introspection_endpoint, method: 'POST', headers, body: introspect(pat.token), expect: 200 });
    scenarios.push({ name: 'access-token introspection', url: discovery.introspection_endpoint, method: 'POST', headers, body: introspect(accessToken.access_token), expect: 200 });
    scenarios.push({ name: 'garbage token introspection', url: discovery.introspection_endpoint, method: 'POST', headers, body: introspect('tsp_garbage-not-a-token'), expect: 200 });
  } else {
    process.stderr.write('introspection scenarios skipped: no introspection endpoint or applications API\n');
  }
  scenarios.push({ name: 'GET /api/v1/user with a PAT', url: `${tessera}/api/v1/user`, method: 'GET', headers: { Authorization: `Bearer ${pat.token}` }, expect: 200 });
  return scenarios;
}

async function post(url: string, headers: Record<string, string>, body: string): Promise<any> {
  const res = await fetch(url, { method: 'POST', headers, body });
  if (!res.ok) throw new Error(`${url} answered ${res.status}: ${await res.text()}`);
  return res.json();
}

function measure(scenario: Scenario, connections: number, duration: number): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(
      { url: scenario.url, method: scenario.method, headers: scenario.headers, body: scenario.body, connections, duration, pipelining: 1 },
      (err, result) => (err ? reject(err) : resolve(result)),
    );
  });
}

async function startProcess(children: ChildProcess[], script: string, env: Record<string, string>, readyUrl: string): Promise<string> {
  // BENCH_PROFILE=<dir>: write V8 CPU profiles of the measured processes there (for finding hot spots).
  const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(process.env.BENCH_PROFILE)}`] : [];
  const child = spawn(process.execPath, [...profile, path.join(root, script)], { cwd: root, env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  children.push(child);
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${script} exited: ${stderr}`);
    try {
      await fetch(readyUrl, { method: readyUrl.endsWith('/healthz') ? 'GET' : 'POST' });
      return new URL(readyUrl).origin;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`${script} did not start: ${stderr}`);
}

/** utime + stime of a process from /proc (Linux), in seconds; null where unavailable. */
function cpuSeconds(pid: number | undefined): number | null {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    // Fields 14 and 15 of stat(5), counted after "pid (comm) ": indexes 11 and 12. Clock ticks are 100 Hz on Linux.
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

function report(results: Result[]): void {
  const rows = results.map((r) => {
    const ratio = r.ratio.toFixed(2);
    const cpu = r.cpuPerRequest === null ? 'n/a' : String(Math.round(r.cpuPerRequest));
    return `| ${r.name} | ${Math.round(r.rps)} | ${ratio}× | ${r.p50} | ${r.p99} | ${r.p50At4} | ${r.p99At4} | ${cpu} | ${r.errors} |`;
  });
  const table = [
    '| scenario | req/s (50 conn) | ratio to bare Koa | p50 ms (50) | p99 ms (50) | p50 ms (4) | p99 ms (4) | server CPU µs/req | errors |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows,
  ].join('\n');
  process.stdout.write(`\n${table}\n`);
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const doc = fs.readFileSync(path.join(root, 'bench/performance.template.md'), 'utf8')
    .replace('{{date}}', new Date().toISOString().slice(0, 10))
    .replace('{{machine}}', `${os.cpus().length} × ${cpu}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}`)
    .replaceAll('{{duration}}', String(DURATION))
    .replaceAll('{{rounds}}', String(ROUNDS))
    .replaceAll('{{latencyDuration}}', String(LATENCY_DURATION))
    .replace('{{load}}', `${loadAtStart.toFixed(1)} at the start and ${os.loadavg()[0]!.toFixed(1)} at the end (1-minute load average; ${os.cpus().length} cores)`)
    .replace('{{table}}', table);
  fs.writeFileSync(path.join(root, 'docs/performance.md'), doc);
  process.stdout.write('\nwrote docs/performance.md\n');
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
