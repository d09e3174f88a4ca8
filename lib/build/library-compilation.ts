import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';
import { BUILD_DIRECTORY, PACKAGE_ROOT } from '../bundling';

/** Folders of lib/ that are not published: local mode and this build. */
const UNPUBLISHED = ['lib/local', 'lib/build'];

/** The CLI's entry point, the package's `bin`. */
const CLI_ENTRY = 'bin/ciam-gateway-cli.ts';

/**
 * The modules the package publishes: every module of lib/ but local mode and the build, and the CLI. The compiler
 * adds the lambdas/ modules they import (types and pure logic); the Lambda code itself ships as bundled assets.
 */
export function publishedSources(): string[] {
  const under = (dir: string): string[] =>
    readdirSync(path.join(PACKAGE_ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
      const file = `${dir}/${entry.name}`;
      if (entry.isDirectory()) return UNPUBLISHED.includes(file) ? [] : under(file);
      return file.endsWith('.ts') && !file.endsWith('.d.ts') ? [file] : [];
    });
  return [...under('lib'), CLI_ENTRY].map((file) => path.join(PACKAGE_ROOT, file));
}

export interface CompiledLibrary {
  /** CommonJS `.js` and `.d.ts` by absolute path under BUILD_DIRECTORY, mirroring the source tree. */
  readonly files: Map<string, string>;
  /** Every compiler error, formatted; nothing is to be written when there is one. */
  readonly problems: string[];
}

/**
 * Compiles the published modules with tsconfig.json's compiler options (one strictness for the editor, `npm run
 * typecheck` and the package), plus what a package needs: declarations, and only Node's ambient types (not jest's).
 */
export function compileLibrary(): CompiledLibrary {
  const configPath = path.join(PACKAGE_ROOT, 'tsconfig.json');
  const config = ts.readConfigFile(configPath, (file) => ts.sys.readFile(file));
  const converted = ts.convertCompilerOptionsFromJson(config.config?.compilerOptions, PACKAGE_ROOT, configPath);
  const options: ts.CompilerOptions = {
    ...converted.options,
    noEmit: false,
    declaration: true,
    rootDir: PACKAGE_ROOT,
    outDir: BUILD_DIRECTORY,
    types: ['node'],
  };
  const program = ts.createProgram(publishedSources(), options);
  const files = new Map<string, string>();
  const emitted = program.emit(undefined, (fileName, text) => files.set(path.resolve(fileName), text));
  const diagnostics = [...(config.error ? [config.error] : []), ...converted.errors, ...ts.getPreEmitDiagnostics(program), ...emitted.diagnostics];
  const host: ts.FormatDiagnosticsHost = { getCanonicalFileName: (f) => f, getCurrentDirectory: () => PACKAGE_ROOT, getNewLine: () => '\n' };
  return { files, problems: diagnostics.map((diagnostic) => ts.formatDiagnostic(diagnostic, host).trim()) };
}
