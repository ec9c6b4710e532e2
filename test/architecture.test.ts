import { readdirSync, readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { modules } from '../src/modules/index.js';
import { orderFaults } from '../src/modules/module.js';

/**
 * The house's structure (ARCHITECTURE.md), checked on the import graph of src/: no import cycle
 * (type-only imports count: a circle through the composition root is what issue 14 removed), the
 * app names no module, and a module imports only the modules it declares it depends on.
 */
const SRC = resolve(import.meta.dirname, '../src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = resolve(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'public' ? [] : sourceFiles(path);
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

/** Each file's relative imports (static, dynamic, `export … from`, type-only), resolved to files. */
function importGraph(): Map<string, string[]> {
  const files = sourceFiles(SRC);
  const known = new Set(files);
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const targets = importedFiles
      .map((i) => i.fileName)
      .filter((name) => name.startsWith('.'))
      .map((name) => {
        const base = resolve(dirname(file), name).replace(/\.js$/, '');
        return [`${base}.ts`, `${base}.tsx`, resolve(base, 'index.ts')].find((f) => known.has(f));
      })
      .filter((f): f is string => !!f);
    graph.set(file, targets);
  }
  return graph;
}

/** Strongly connected components of more than one file, or a file importing itself (Tarjan). */
function cycles(graph: Map<string, string[]>): string[][] {
  let index = 0;
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string) => {
    indices.set(node, index);
    low.set(node, index++);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!indices.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node)!, indices.get(next)!));
    }
    if (low.get(node) === indices.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(relative(SRC, member));
      } while (member !== node);
      if (component.length > 1 || graph.get(node)?.includes(node)) found.push(component.sort());
    }
  };
  for (const node of graph.keys()) if (!indices.has(node)) visit(node);
  return found;
}

const moduleOf = (file: string) => /^modules\/([^/]+)\//.exec(relative(SRC, file))?.[1] ?? null;

describe('architecture of src/', () => {
  const graph = importGraph();

  it('has no import cycle', () => {
    expect(cycles(graph)).toEqual([]);
  });

  it('finds a cycle when there is one (the check itself)', () => {
    const a = resolve(SRC, 'a.ts');
    const b = resolve(SRC, 'b.ts');
    expect(
      cycles(
        new Map([
          [a, [b]],
          [b, [a]],
        ]),
      ),
    ).toEqual([['a.ts', 'b.ts']]);
  });

  it('lists the modules in dependency order', () => {
    expect(orderFaults(modules)).toEqual([]);
    expect(orderFaults([...modules].reverse()).length).toBeGreaterThan(0);
  });

  it('has an app that names no module: it registers the list', () => {
    const app = resolve(SRC, 'app.ts');
    const named = (graph.get(app) ?? []).map((f) => relative(SRC, f)).filter((f) => f.startsWith('modules/'));
    expect(named.sort()).toEqual(['modules/index.ts', 'modules/module.ts']);
  });

  it('has a web layer and shared helpers that know no module but the actor (identity/model.ts)', () => {
    const strays = [...graph].flatMap(([file, targets]) =>
      /^(web|shared|db)\//.test(relative(SRC, file))
        ? targets
            .map((t) => relative(SRC, t))
            .filter((t) => t.startsWith('modules/') && t !== 'modules/identity/model.ts')
            .map((t) => `${relative(SRC, file)} → ${t}`)
        : [],
    );
    expect(strays).toEqual([]);
  });

  it('has modules that import only the modules they depend on', () => {
    const declared = new Map<string, Set<string>>(modules.map((m) => [m.name, new Set(m.dependsOn)]));
    const strays: string[] = [];
    for (const [file, targets] of graph) {
      const from = moduleOf(file);
      if (!from) continue;
      for (const target of targets) {
        const to = moduleOf(target);
        if (to && to !== from && !declared.get(from)?.has(to))
          strays.push(`${relative(SRC, file)} → ${relative(SRC, target)}`);
      }
    }
    expect(strays).toEqual([]);
  });

  it('has one folder per module, each listed once in modules/index.ts', () => {
    const folders = readdirSync(resolve(SRC, 'modules'), { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort();
    expect(modules.map((m) => m.name).sort()).toEqual(folders);
  });
});
