// Finds every route handler in src/ (functions passed to router.get/post/put/patch/delete/all/use
// and app.get/...), with its length in lines, so a test can hold handlers to the style's size.
// Run directly to list them: npx tsx test/support/route-handlers.ts [root]
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

export interface Handler {
  file: string;
  line: number;
  route: string;
  lines: number;
}

const METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'all']);

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'embedded' ? [] : sourceFiles(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

export function routeHandlers(srcDir: string): Handler[] {
  const found: Handler[] = [];
  for (const file of sourceFiles(srcDir)) {
    const text = fs.readFileSync(file, 'utf8');
    if (!/\.(get|post|put|patch|delete|all)\(/.test(text)) continue;
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
    const visit = (node: ts.Node): void => {
      if (
        ts.isCallExpression(node) &&
        ts.isPropertyAccessExpression(node.expression) &&
        METHODS.has(node.expression.name.text) &&
        node.arguments.length >= 2 &&
        (ts.isStringLiteralLike(node.arguments[0]) ||
          ts.isTemplateExpression(node.arguments[0]) ||
          ts.isIdentifier(node.arguments[0]))
      ) {
        const handler = node.arguments[node.arguments.length - 1];
        if (ts.isArrowFunction(handler) || ts.isFunctionExpression(handler)) {
          const start = source.getLineAndCharacterOfPosition(handler.getStart(source)).line;
          const end = source.getLineAndCharacterOfPosition(handler.getEnd()).line;
          found.push({
            file: path.relative(path.dirname(srcDir), file),
            line: start + 1,
            route: `${node.expression.name.text.toUpperCase()} ${node.arguments[0].getText(source)}`,
            lines: end - start + 1,
          });
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return found;
}

if (require.main === module) {
  const root = path.resolve(process.argv[2] ?? '.', 'src');
  const handlers = routeHandlers(root).sort((a, b) => b.lines - a.lines);
  for (const h of handlers) console.log(`${String(h.lines).padStart(3)}  ${h.route}  ${h.file}:${h.line}`);
  console.log(`${handlers.length} handlers, ${handlers.filter((h) => h.lines > 15).length} over 15 lines`);
}
