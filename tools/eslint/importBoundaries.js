// @ts-check
/**
 * Two ESLint rules that hold the architecture (docs/architecture.md):
 * - `layers`: a module imports only from its own layer or the ones below it, in the order the
 *   config declares (type-only imports too: a type couples as much as a value);
 * - `no-cycle`: no run-time import leads back to the importing module. Type-only imports are
 *   erased at compile time and cannot make a module load half-initialised, so they do not count.
 * The import graph is read from the files themselves (a regex over import and export lines),
 * once per file per lint run: no resolver or parser of its own, and nothing to install.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

const IMPORT =
  /^\s*(?:import|export)\s+(type\s+)?(?:([^'";]*?)\s+from\s+)?['"](\.{1,2}\/[^'"]+)['"]|\bimport\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/gm;

/** `{ type A, type B }` imports nothing at run time either. */
function typeOnly(keyword, clause) {
  if (keyword !== undefined) return true;
  if (clause === undefined) return false;
  const braces = /^\{([^}]*)\}$/.exec(clause.trim());
  if (braces === null) return false;
  const names = braces[1]
    .split(',')
    .map((n) => n.trim())
    .filter((n) => n !== '');
  return names.length > 0 && names.every((n) => n.startsWith('type '));
}

/** `./x.js` as written in TypeScript sources names `./x.ts`. */
function resolveSpecifier(fromFile, specifier) {
  const base = resolve(dirname(fromFile), specifier);
  for (const candidate of [base.replace(/\.js$/, '.ts'), base, `${base}.ts`, join(base, 'index.ts')])
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  return undefined;
}

/** @type {Map<string, { mtimeMs: number, edges: { to: string, runtime: boolean, specifier: string }[] }>} */
const graph = new Map();

function edgesOf(file) {
  let mtimeMs;
  try {
    mtimeMs = statSync(file).mtimeMs;
  } catch {
    return [];
  }
  const known = graph.get(file);
  if (known !== undefined && known.mtimeMs === mtimeMs) return known.edges;
  const edges = [];
  for (const m of readFileSync(file, 'utf8').matchAll(IMPORT)) {
    const specifier = m[3] ?? m[4];
    const to = resolveSpecifier(file, specifier);
    // A dynamic import() loads later, on demand: it cannot close a cycle at load time.
    if (to !== undefined) edges.push({ to, runtime: m[4] === undefined && !typeOnly(m[1], m[2]), specifier });
  }
  graph.set(file, { mtimeMs, edges });
  return edges;
}

/** The run-time path from `start` back to `target`, if there is one. */
function pathBack(start, target) {
  const seen = new Set();
  const stack = [[start, [start]]];
  while (stack.length > 0) {
    const [file, path] = stack.pop();
    if (file === target) return path;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const e of edgesOf(file)) if (e.runtime) stack.push([e.to, [...path, e.to]]);
  }
  return undefined;
}

function importNodes(program) {
  const out = [];
  for (const node of program.body)
    if (
      (node.type === 'ImportDeclaration' ||
        node.type === 'ExportNamedDeclaration' ||
        node.type === 'ExportAllDeclaration') &&
      node.source != null &&
      typeof node.source.value === 'string' &&
      node.source.value.startsWith('.')
    )
      out.push(node);
  return out;
}

const noCycle = {
  meta: {
    type: 'problem',
    docs: { description: 'no run-time import cycle between modules' },
    schema: [],
    messages: { cycle: 'import cycle: {{path}}. Move what both need into a module of its own.' },
  },
  create(context) {
    const file = context.filename;
    const root = context.cwd;
    return {
      Program(program) {
        const runtime = new Map(
          edgesOf(file)
            .filter((e) => e.runtime)
            .map((e) => [e.specifier, e.to]),
        );
        for (const node of importNodes(program)) {
          const to = runtime.get(node.source.value);
          if (to === undefined) continue;
          const back = pathBack(to, file);
          if (back === undefined) continue;
          const path = [file, ...back].map((f) => relative(root, f).split(sep).join('/')).join(' → ');
          context.report({ node: node.source, messageId: 'cycle', data: { path } });
        }
      },
    };
  },
};

function layerOf(layers, root, file) {
  const path = relative(root, file).split(sep).join('/');
  let best;
  layers.forEach((layer, index) => {
    for (const prefix of layer.paths)
      if (
        (path === prefix || path.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`)) &&
        (best === undefined || prefix.length > best.length)
      )
        best = { index, name: layer.name, length: prefix.length };
  });
  return best;
}

const layers = {
  meta: {
    type: 'problem',
    docs: { description: 'a module imports from its own layer or the layers below it' },
    schema: [
      {
        type: 'object',
        properties: {
          layers: {
            type: 'array',
            items: {
              type: 'object',
              properties: { name: { type: 'string' }, paths: { type: 'array', items: { type: 'string' } } },
              required: ['name', 'paths'],
              additionalProperties: false,
            },
          },
        },
        required: ['layers'],
        additionalProperties: false,
      },
    ],
    messages: {
      climbs:
        "'{{from}}' is in layer '{{fromLayer}}' and imports '{{to}}' from layer '{{toLayer}}', above it. Move what it needs down, or the importer up.",
    },
  },
  create(context) {
    const declared = context.options[0].layers;
    const root = context.cwd;
    const here = layerOf(declared, root, context.filename);
    if (here === undefined) return {};
    return {
      Program(program) {
        for (const node of importNodes(program)) {
          const to = resolveSpecifier(context.filename, node.source.value);
          if (to === undefined) continue;
          const there = layerOf(declared, root, to);
          if (there === undefined || there.index <= here.index) continue;
          context.report({
            node: node.source,
            messageId: 'climbs',
            data: {
              from: relative(root, context.filename).split(sep).join('/'),
              fromLayer: here.name,
              to: relative(root, to).split(sep).join('/'),
              toLayer: there.name,
            },
          });
        }
      },
    };
  },
};

export const importBoundaries = { meta: { name: 'dvbench-boundaries' }, rules: { 'no-cycle': noCycle, layers } };
