import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { productionMode } from '../support/harness.js';
import { freePort, repoRoot } from '../support/processes.js';

/**
 * The README is runnable: its shell blocks (```sh / ```bash), in order, in one shell, against
 * the server its first block starts (`npm start`, embedded mode, a fresh DATA_DIR), as a
 * newcomer would paste them into a second terminal. `curl` is wrapped only to note each
 * response's status: a block may meet a 4xx only where the README says so (the status appears
 * in the block or in the output shown after it), never a 5xx; a block must not fail; and a JSON
 * response the README shows must have the keys the README shows.
 *
 * Embedded mode only, as the README describes it. Needs curl, jq and openssl (Debian packages;
 * CI installs them with .ci/readme-deps).
 */

interface Fence {
  lang: string;
  body: string;
}

interface Step {
  index: number;
  script: string;
  /** The fenced block shown after the commands (their output), if any. */
  shown: Fence | undefined;
}

const README = fs.readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
const SETUP = ['npm ci && npm start', 'npm test'];
const missingTools = ['curl', 'jq', 'openssl', 'bash'].filter((tool) => {
  try {
    execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    return false;
  } catch {
    return true;
  }
});
if (missingTools.length && process.env.CI) throw new Error(`the README test needs ${missingTools.join(', ')} (CI installs them with .ci/readme-deps)`);
const skipReason = productionMode
  ? 'the README walks through embedded mode; it runs with `npm test`'
  : missingTools.length
    ? `${missingTools.join(', ')} not installed (apt-get install -y curl jq openssl)`
    : undefined;
if (skipReason) process.stderr.write(`README walkthrough skipped: ${skipReason}\n`);

/** Every fenced block, in order. */
function fences(markdown: string): Fence[] {
  return [...markdown.matchAll(/^```([\w-]*)[^\n]*\n([\s\S]*?)^```[ \t]*$/gm)].map((m) => ({ lang: m[1]!, body: m[2]! }));
}

const isShell = (f: Fence) => f.lang === 'sh' || f.lang === 'bash';

/** The shell blocks after the setup block, each with the output block that follows it before the next command. */
function steps(all: Fence[]): Step[] {
  const result: Step[] = [];
  all.forEach((fence, i) => {
    if (!isShell(fence)) return;
    const next = all[i + 1];
    result.push({ index: result.length, script: fence.body, shown: next && !isShell(next) ? next : undefined });
  });
  return result;
}

/** Statuses a block may meet besides 2xx/3xx: the 4xx the README names next to it. */
function expectedErrors(step: Step): Set<number> {
  const text = `${step.script}\n${step.shown?.body ?? ''}`;
  return new Set([...text.matchAll(/\b(4\d\d)\b/g)].map((m) => Number(m[1])));
}

/** The README's sample response, when it is whole JSON (samples with "…" only illustrate). */
function shownJson(step: Step): unknown {
  if (step.shown?.lang !== 'json') return undefined;
  try {
    return JSON.parse(step.shown.body);
  } catch {
    return undefined;
  }
}

const keysOf = (value: unknown): string[] => Object.keys((Array.isArray(value) ? value[0] : value) ?? {}).sort();

/** The JSON objects and arrays printed, one after another or between other lines (curl adds no newline). */
function printedJson(stdout: string): unknown[] {
  const values: unknown[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < stdout.length; i++) {
    const ch = stdout[i]!;
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"' && depth > 0) inString = true;
    else if (ch === '{' || ch === '[') {
      if (depth++ === 0) start = i;
    } else if ((ch === '}' || ch === ']') && depth > 0 && --depth === 0) {
      try {
        values.push(JSON.parse(stdout.slice(start, i + 1)));
      } catch {
        /* not JSON after all */
      }
    }
  }
  return values;
}

(skipReason ? describe.skip : describe)('README walkthrough', () => {
  const all = fences(README);
  const [setup, ...walkthrough] = steps(all);
  let server: ChildProcess;
  let serverOutput = '';
  let work: string;
  let port: number;

  beforeAll(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-readme-'));
    port = await freePort();
    // What the first block does, on a spare port and a fresh DATA_DIR.
    server = spawn('npm', ['start'], {
      cwd: repoRoot,
      env: { PATH: process.env.PATH, HOME: process.env.HOME ?? work, PORT: String(port), DATA_DIR: path.join(work, 'data') },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    server.stdout!.on('data', (d: Buffer) => (serverOutput += d.toString()));
    server.stderr!.on('data', (d: Buffer) => (serverOutput += d.toString()));
    const deadline = Date.now() + 30_000;
    while (!(await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false))) {
      if (server.exitCode !== null || Date.now() > deadline) throw new Error(`npm start did not serve:\n${serverOutput}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  });

  afterAll(async () => {
    if (server && server.exitCode === null) {
      const exited = new Promise((r) => server.once('exit', r));
      process.kill(-server.pid!, 'SIGTERM');
      await exited;
    }
    // README_TEST_KEEP=1 keeps each block's script, output and response headers for a look.
    if (process.env.README_TEST_KEEP) process.stderr.write(`README walkthrough kept in ${work}\n`);
    else fs.rmSync(work, { recursive: true, force: true });
  });

  it('starts with exactly the two setup commands: start on the embedded default, run the tests', () => {
    const commands = setup!.script
      .split('\n')
      .map((line) => line.replace(/#.*$/, '').trim())
      .filter(Boolean);
    expect(commands).toEqual(SETUP);
    // The first start created the administrator and showed its password once, as the README says.
    expect(serverOutput).toMatch(/First start: created administrator "admin" with password\n\n {6}\S+\n/);
  });

  it('docs/introspection.md shows the README’s introspection block as it is, so that copy runs too', () => {
    const docs = fences(fs.readFileSync(path.join(repoRoot, 'docs/introspection.md'), 'utf8')).filter(isShell);
    const introspection = walkthrough.filter((s) => s.script.includes('Register the resource server'));
    expect(introspection).toHaveLength(1);
    expect(docs.map((f) => f.body)).toContain(introspection[0]!.script);
  });

  it('runs every shell block, in order, as written', async () => {
    expect(walkthrough.length).toBeGreaterThan(10);
    const run = runBlocks(walkthrough, { port, work });
    const outcome = await run;
    for (const step of walkthrough) {
      const result = outcome.blocks[step.index];
      const where = `README shell block ${step.index} (after the setup block):\n${step.script}\n--- its output:\n${result?.stdout ?? ''}\n--- stderr:\n${result?.stderr ?? outcome.stderr}`;
      expect({ where, ran: result !== undefined }).toEqual({ where, ran: true });
      expect({ where, exit: result!.exit }).toEqual({ where, exit: 0 });
      const allowed = expectedErrors(step);
      const unexpected = result!.statuses.filter((s) => s >= 500 || (s >= 400 && !allowed.has(s)));
      expect({ where, unexpected }).toEqual({ where, unexpected: [] });
      if (step.shown?.body.startsWith('HTTP/1.1 ')) expect(result!.stdout).toContain(step.shown.body.split('\n')[0]!.split(' ').slice(0, 2).join(' '));
      const sample = shownJson(step);
      if (sample !== undefined) {
        const printed = printedJson(result!.stdout);
        expect({ where, keys: printed.map(keysOf) }).toEqual({ where, keys: expect.arrayContaining([keysOf(sample)]) });
      }
    }
  }, 240_000);
});

interface BlockResult {
  exit: number;
  stdout: string;
  stderr: string;
  statuses: number[];
}

/**
 * Runs the blocks in one bash, so variables carry from one to the next, with `set -euo pipefail`.
 * `curl` is a function that calls the real curl with `--dump-header` into the block's own
 * directory, so each response's status can be read afterwards.
 */
async function runBlocks(blocks: Step[], options: { port: number; work: string }): Promise<{ blocks: BlockResult[]; stderr: string }> {
  const dir = path.join(options.work, 'blocks');
  fs.mkdirSync(dir);
  const lines = [
    'set -euo pipefail',
    'curl() { command curl --dump-header "$(mktemp "$README_BLOCK_DIR/headers.XXXXXX")" "$@"; }',
  ];
  for (const block of blocks) {
    const blockDir = path.join(dir, String(block.index));
    fs.mkdirSync(blockDir);
    // The README's server is on localhost:3000; this one listens on a spare port.
    const script = block.script.replaceAll('localhost:3000', `localhost:${options.port}`);
    fs.writeFileSync(path.join(blockDir, 'script.sh'), script);
    lines.push(
      `export README_BLOCK_DIR=${JSON.stringify(blockDir)}`,
      `exec >${JSON.stringify(path.join(blockDir, 'stdout'))} 2>${JSON.stringify(path.join(blockDir, 'stderr'))}`,
      `source ${JSON.stringify(path.join(blockDir, 'script.sh'))}`,
      `echo 0 >${JSON.stringify(path.join(blockDir, 'exit'))}`,
    );
  }
  fs.writeFileSync(path.join(dir, 'walkthrough.sh'), `${lines.join('\n')}\n`);
  const stderr = await new Promise<string>((resolve) => {
    const bash = spawn('bash', [path.join(dir, 'walkthrough.sh')], {
      cwd: repoRoot,
      env: { PATH: process.env.PATH, HOME: process.env.HOME ?? options.work, DATA_DIR: path.join(options.work, 'data'), TMPDIR: options.work },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    bash.stderr.on('data', (d: Buffer) => (err += d.toString()));
    bash.on('close', () => resolve(err));
  });
  const results: BlockResult[] = [];
  for (const block of blocks) {
    const blockDir = path.join(dir, String(block.index));
    const read = (name: string) => (fs.existsSync(path.join(blockDir, name)) ? fs.readFileSync(path.join(blockDir, name), 'utf8') : undefined);
    const stdout = read('stdout');
    if (stdout === undefined) break; // the walkthrough stopped before this block
    const statuses = fs
      .readdirSync(blockDir)
      .filter((f) => f.startsWith('headers.'))
      .flatMap((f) => [...fs.readFileSync(path.join(blockDir, f), 'utf8').matchAll(/^HTTP\/[\d.]+ (\d{3})/gm)].map((m) => Number(m[1])));
    results[block.index] = { exit: read('exit') === undefined ? 1 : 0, stdout, stderr: read('stderr') ?? '', statuses };
  }
  return { blocks: results, stderr };
}
