import * as ts from 'typescript';

/**
 * The modules a JavaScript or declaration file names: `require("…")` calls, `import`/`export … from "…"` and
 * `import("…")` types. Parsed, not searched, so a `require("…")` inside a message does not count.
 */
export function moduleSpecifiers(fileName: string, text: string): string[] {
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    // `require('x')`, and `require.resolve('x/file')`: a file the package reads from a dependency.
    const requireCall = ts.isCallExpression(node) && (
      (ts.isIdentifier(node.expression) && node.expression.text === 'require') ||
      (ts.isPropertyAccessExpression(node.expression) && ts.isIdentifier(node.expression.expression) && node.expression.expression.text === 'require' && node.expression.name.text === 'resolve'));
    if (requireCall) {
      const [argument] = node.arguments;
      if (argument !== undefined && ts.isStringLiteral(argument)) found.push(argument.text);
    } else if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      found.push(node.moduleSpecifier.text);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      found.push(node.argument.literal.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false));
  return found;
}

/** The package a bare specifier names (`@scope/name` or `name`), or undefined for a relative path or a Node built-in. */
export function packageOf(specifier: string, builtins: readonly string[]): string | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('node:') || builtins.includes(specifier)) return undefined;
  const parts = specifier.split('/');
  return (specifier.startsWith('@') ? parts.slice(0, 2) : parts.slice(0, 1)).join('/');
}
