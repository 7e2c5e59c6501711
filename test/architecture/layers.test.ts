import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The shape of src/, checked on every run (docs/architecture.md explains it): imports only go
 * down the layers, never up, and no two folders import each other, directly or round a cycle.
 */
const src = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src');

/** Top first. A module imports from any layer below its own, or from another folder of its own layer (no cycles). */
const LAYERS: string[][] = [
  ['main.ts', 'app.ts', 'container.ts', 'first-start.ts', 'cli'],
  ['http', 'web'],
  ['oidc'],
  ['services', 'metrics'],
  ['tokens', 'revocation', 'security', 'scopes', 'mail'],
  ['stores', 'db', 'redis'],
  ['entities', 'config', 'messages', 'clock.ts', 'logger.ts', 'errors.ts'],
];

/** A module's unit: its top folder under src/, or the file itself at the top. */
function unitOf(file: string): string {
  return path.relative(src, file).split(path.sep)[0]!;
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** Every relative import or re-export of a module, as the file it names. */
function importsOf(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const found: string[] = [];
  for (const match of text.matchAll(/^\s*(?:import|export)\b[^'"]*?\bfrom\s+['"](\.{1,2}\/[^'"]+)['"]/gm)) {
    found.push(path.resolve(path.dirname(file), match[1]!.replace(/\.js$/, '.ts')));
  }
  for (const match of text.matchAll(/\bimport\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g)) {
    found.push(path.resolve(path.dirname(file), match[1]!.replace(/\.js$/, '.ts')));
  }
  return found.filter((target) => target.startsWith(src + path.sep));
}

const layerOf = new Map(LAYERS.flatMap((units, index) => units.map((unit) => [unit, index] as const)));
const files = sourceFiles(src);
const edges = new Map<string, Map<string, string>>(); // unit → unit it imports → an example import

for (const file of files) {
  for (const target of importsOf(file)) {
    const from = unitOf(file);
    const to = unitOf(target);
    if (from === to) continue;
    if (!edges.has(from)) edges.set(from, new Map());
    edges.get(from)!.set(to, `${path.relative(src, file)} → ${path.relative(src, target)}`);
  }
}

describe('the layers of src/', () => {
  it('places every folder and top-level module in a layer', () => {
    const units = [...new Set(files.map(unitOf))];
    expect(units.filter((unit) => !layerOf.has(unit))).toEqual([]);
  });

  it('imports only go down the layers', () => {
    const upward: string[] = [];
    for (const [from, targets] of edges) {
      for (const [to, example] of targets) if (layerOf.get(to)! < layerOf.get(from)!) upward.push(example);
    }
    expect(upward).toEqual([]);
  });

  it('has no import cycle between folders', () => {
    // Tarjan's strongly connected components over the unit graph: any component of two or more is a cycle.
    const index = new Map<string, number>();
    const low = new Map<string, number>();
    const stack: string[] = [];
    const onStack = new Set<string>();
    const cycles: string[][] = [];
    let counter = 0;
    const visit = (unit: string) => {
      index.set(unit, counter);
      low.set(unit, counter++);
      stack.push(unit);
      onStack.add(unit);
      for (const next of edges.get(unit)?.keys() ?? []) {
        if (!index.has(next)) {
          visit(next);
          low.set(unit, Math.min(low.get(unit)!, low.get(next)!));
        } else if (onStack.has(next)) {
          low.set(unit, Math.min(low.get(unit)!, index.get(next)!));
        }
      }
      if (low.get(unit) === index.get(unit)) {
        const component: string[] = [];
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          component.push(member);
        } while (member !== unit);
        if (component.length > 1) cycles.push(component.sort());
      }
    };
    for (const unit of new Set(files.map(unitOf))) if (!index.has(unit)) visit(unit);
    expect(cycles).toEqual([]);
  });

  it('keeps every page in src/web/ (no HTML under http/ or oidc/)', () => {
    expect(fs.existsSync(path.join(src, 'http/views'))).toBe(false);
    const pagesElsewhere = files.filter((file) => !['web'].includes(unitOf(file)) && /<!doctype html|<html[\s>]/i.test(fs.readFileSync(file, 'utf8')));
    expect(pagesElsewhere.map((file) => path.relative(src, file))).toEqual([]);
  });
});
