import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/**
 * Koa's `ctx.state` is `any` unless a middleware or router names its state type. Every read or
 * write of a context's `state` in src/ must be typed (src/http/state.ts, src/web/middleware/
 * page-context.ts): the state is not `any` nor Koa's open `DefaultState`, and each property
 * used on it is declared.
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const src = path.join(root, 'src') + path.sep;

function program(): ts.Program {
  const parsed = ts.getParsedCommandLineOfConfigFile(path.join(root, 'tsconfig.json'), {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
      throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
    },
  });
  if (!parsed) throw new Error('tsconfig.json could not be read');
  return ts.createProgram({ rootNames: parsed.fileNames.filter((file) => file.startsWith(src)), options: parsed.options });
}

describe('ctx.state in src/', () => {
  it('is typed wherever a Koa context’s state is used', () => {
    const built = program();
    const checker = built.getTypeChecker();
    const untyped: string[] = [];
    let seen = 0;
    const where = (node: ts.Node) => {
      const file = node.getSourceFile();
      const { line } = file.getLineAndCharacterOfPosition(node.getStart());
      return `${path.relative(root, file.fileName)}:${line + 1} ${node.getText()}`;
    };
    const visit = (node: ts.Node): void => {
      if (ts.isPropertyAccessExpression(node) && node.name.text === 'state') {
        const owner = checker.getTypeAtLocation(node.expression);
        if (owner.getProperty('cookies') && owner.getProperty('request')) {
          seen++;
          const state = checker.getTypeAtLocation(node);
          if (state.flags & ts.TypeFlags.Any || checker.typeToString(state) === 'DefaultState') untyped.push(where(node));
          const parent = node.parent;
          if (ts.isPropertyAccessExpression(parent) && parent.expression === node && !checker.getSymbolAtLocation(parent.name)) untyped.push(where(parent));
        }
      }
      ts.forEachChild(node, visit);
    };
    for (const file of built.getSourceFiles()) if (file.fileName.startsWith(src)) visit(file);
    expect(seen).toBeGreaterThan(30);
    expect(untyped).toEqual([]);
  }, 60_000);
});
