// The layering of DESIGN.md §1 as one ESLint rule. It resolves relative imports against the importing
// file so that `../../main/x` and `main/x` are judged the same, which path-pattern rules cannot do.
import { builtinModules } from 'node:module';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');
const NODE_BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

/** The layer a project file belongs to, from its path relative to the repository root. */
function layerOf(absFile) {
  const rel = path.relative(ROOT, absFile).split(path.sep);
  const [top, sub] = rel;
  if (top === 'main') return sub === 'app' ? 'main/app' : 'main';
  if (['shared', 'renderer', 'relay', 'cli'].includes(top)) return top;
  return null;
}

const isBridge = (spec, fromFile) =>
  path.relative(ROOT, path.resolve(path.dirname(fromFile), spec)).split(path.sep).slice(0, 2).join('/') === 'main/bridge';
const isNodeBuiltin = (spec) => spec.startsWith('node:') || NODE_BUILTINS.has(spec.split('/')[0]);
const isRelative = (spec) => spec.startsWith('.') || spec.startsWith('/');

/** Packages shared/ may use: pure, no Node or DOM. */
const SHARED_PACKAGES = new Set(['zod']);

function check(fromLayer, fromFile, spec) {
  if (isRelative(spec)) {
    const target = layerOf(path.resolve(path.dirname(fromFile), spec));
    if (target === null) return fromLayer === 'shared' || fromLayer === 'renderer' ? `${fromLayer}/ may not import files outside the project layers` : null;
    if (fromLayer === 'shared' && target !== 'shared') return `shared/ may import nothing else of the project (found ${target}/)`;
    if (fromLayer === 'renderer' && target !== 'renderer' && target !== 'shared') return `renderer/ may import only shared/ (found ${target}/)`;
    if (fromLayer !== 'renderer' && target === 'renderer') return `only renderer/ may import renderer/ (from ${fromLayer}/)`;
    if (fromLayer !== 'main/app' && target === 'main/app') return `only main/app may import main/app (from ${fromLayer}/)`;
    if (fromLayer === 'main/app' && isBridge(spec, fromFile)) return 'the packaged Electron app never starts the browser bridge (main/bridge)';
    return null;
  }
  const pkg = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
  if (pkg === 'electron' && fromLayer !== 'main/app') return `only main/app may import electron (from ${fromLayer}/)`;
  if (isNodeBuiltin(spec) && (fromLayer === 'shared' || fromLayer === 'renderer')) return `${fromLayer}/ may not use Node APIs (${spec})`;
  if (fromLayer === 'shared' && !SHARED_PACKAGES.has(pkg)) return `shared/ may use only ${[...SHARED_PACKAGES].join(', ')} (found ${spec})`;
  return null;
}

const layersRule = {
  meta: {
    type: 'problem',
    docs: { description: 'Enforce the process and layer boundaries of DESIGN.md §1' },
    schema: [],
    messages: { forbidden: '{{reason}}' },
  },
  create(context) {
    const file = context.filename;
    const fromLayer = layerOf(file);
    if (fromLayer === null) return {};
    const report = (node, spec) => {
      if (typeof spec !== 'string') return;
      const reason = check(fromLayer, file, spec);
      if (reason) context.report({ node, messageId: 'forbidden', data: { reason } });
    };
    return {
      ImportDeclaration: (node) => report(node.source, node.source.value),
      ExportNamedDeclaration: (node) => node.source && report(node.source, node.source.value),
      ExportAllDeclaration: (node) => report(node.source, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && report(node.source, node.source.value),
      CallExpression: (node) => {
        if (node.callee.type === 'Identifier' && node.callee.name === 'require' && node.arguments[0]?.type === 'Literal') {
          report(node.arguments[0], node.arguments[0].value);
        }
      },
    };
  },
};

export default { rules: { layers: layersRule } };
