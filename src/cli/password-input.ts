import { createInterface } from 'node:readline';

/**
 * A password for `user create` or `user set-password`: TESSERA_PASSWORD if set, otherwise stdin — asked for without
 * echo on a terminal, or the first line of a pipe (`echo "$PW" | tessera user create …`).
 * Never taken from a flag, where it would end up in shell history and `ps`.
 */
export async function readPassword(env: NodeJS.ProcessEnv = process.env, stdin: NodeJS.ReadStream = process.stdin): Promise<string> {
  if (env.TESSERA_PASSWORD !== undefined) return env.TESSERA_PASSWORD;
  return stdin.isTTY ? promptHidden(stdin) : firstLine(stdin);
}

async function firstLine(stdin: NodeJS.ReadableStream): Promise<string> {
  const lines = createInterface({ input: stdin, crlfDelay: Infinity });
  try {
    for await (const line of lines) return line;
    return '';
  } finally {
    lines.close();
  }
}

function promptHidden(stdin: NodeJS.ReadStream): Promise<string> {
  return new Promise((resolve, reject) => {
    process.stderr.write('Password: ');
    let typed = '';
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding('utf8');
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return finish(null);
        if (ch === '\u0003') return finish(new Error('cancelled'));
        if (ch === '\u007f' || ch === '\b') typed = typed.slice(0, -1);
        else typed += ch;
      }
    };
    function finish(err: Error | null) {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
      if (err) reject(err);
      else resolve(typed);
    }
    stdin.on('data', onData);
  });
}
