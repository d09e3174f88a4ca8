import 'aws-cdk-lib/testhelpers/jest-autoclean';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Duration, FileSystem, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Architecture, Tracing } from 'aws-cdk-lib/aws-lambda';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { functionNames } from '../../lib/build/function-assets';
import { ASSETS_DIRECTORY, LAZY_MODULES, PACKAGE_ROOT, functionAssetDirectory, functionAssetModule } from '../../lib/bundling';
import { ServiceFunction } from '../../lib/service-function';
import { gatewayStack, testApp } from './infra-test-support';
import { moduleSpecifiers, packageOf } from './module-specifiers';

/** The S3 key of a code asset: `<hash>.zip`, the hash of the asset folder's contents. */
const assetKey = (name: string): string => `${FileSystem.fingerprint(functionAssetDirectory(name))}.zip`;

function serviceFunction(handlerName: string): Stack {
  const stack = new Stack(testApp(), 'Functions');
  new ServiceFunction(stack, 'Function', {
    handlerName,
    environment: { STAGE: 'dev' },
    memorySize: 256,
    timeout: Duration.seconds(5),
    architecture: Architecture.ARM_64,
    tracing: Tracing.ACTIVE,
    logRetention: RetentionDays.ONE_WEEK,
  });
  return stack;
}

describe('the Lambda assets npm run build makes', () => {
  it('holds one asset per function the stack deploys, and nothing else', () => {
    expect(readdirSync(ASSETS_DIRECTORY).sort()).toEqual([...functionNames()].sort());
    expect(functionNames()).toContain('authorizer');
  });

  const lazyFiles = Object.keys(LAZY_MODULES).map((module) => `${module}.js`);

  it.each(functionNames())('%s: its module, the modules it loads on first use, their source maps, all independent of where the repository lies', (name) => {
    const modules = ['index.js', ...lazyFiles];
    expect(readdirSync(functionAssetDirectory(name)).sort()).toEqual(modules.flatMap((file) => [file, `${file}.map`]).sort());
    for (const file of modules) {
      const code = readFileSync(path.join(functionAssetDirectory(name), file), 'utf8');
      // Lambda installs nothing: every module a bundle still requires is one of Node's own, or a file beside it.
      const required = moduleSpecifiers(file, code).filter((module) => packageOf(module, builtinModules) !== undefined);
      expect(required.filter((module) => file !== 'index.js' || !lazyFiles.map((lazy) => `./${lazy}`).includes(module))).toEqual([]);
      expect(code.trimEnd().endsWith(`//# sourceMappingURL=${file}.map`)).toBe(true);

      const map = JSON.parse(readFileSync(path.join(functionAssetDirectory(name), `${file}.map`), 'utf8')) as { sources: string[]; sourcesContent?: unknown };
      expect(map.sourcesContent).toBeUndefined();
      expect(map.sources.filter((source) => path.isAbsolute(source))).toEqual([]);
      expect(code.includes(PACKAGE_ROOT)).toBe(false);
    }
  });

  it.each(functionNames())('%s: Powertools is not in the module a cold start loads, only in the one beside it', (name) => {
    const sourcesOf = (file: string) => (JSON.parse(readFileSync(path.join(functionAssetDirectory(name), `${file}.map`), 'utf8')) as { sources: string[] }).sources;
    expect(sourcesOf('index.js').filter((source) => source.includes('@aws-lambda-powertools'))).toEqual([]);
    expect(sourcesOf('powertools.js').some((source) => source.includes('@aws-lambda-powertools/logger'))).toBe(true);
    expect(readFileSync(functionAssetModule(name), 'utf8')).toContain('require("./powertools.js")');
  });
});

describe('ServiceFunction', () => {
  it('runs the pre-built asset: index.handler on Node.js 22, with source maps', () => {
    Template.fromStack(serviceFunction('authorizer')).hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'index.handler',
      Runtime: 'nodejs22.x',
      Code: { S3Key: assetKey('authorizer') },
      Environment: { Variables: { STAGE: 'dev', NODE_OPTIONS: '--enable-source-maps' } },
    });
  });

  it('gives the same asset hash wherever the asset lies: the hash of its bytes', () => {
    const elsewhere = mkdtempSync(path.join(tmpdir(), 'ciam-asset-'));
    try {
      cpSync(functionAssetDirectory('authorizer'), elsewhere, { recursive: true });
      expect(`${FileSystem.fingerprint(elsewhere)}.zip`).toBe(assetKey('authorizer'));
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  it('refuses a function whose asset the build did not make, and says how to make it', () => {
    expect(() => serviceFunction('no-such-handler')).toThrow(/asset of no-such-handler is missing .*: run npm run build$/);
  });
});

describe('the gateway stack', () => {
  it('deploys every asset the build makes, each to one function', () => {
    const functions = Object.values(Template.fromStack(gatewayStack('dev')).findResources('AWS::Lambda::Function')) as {
      Properties: { Code: { S3Key?: unknown } };
    }[];
    const keys = functions.map((fn) => fn.Properties.Code.S3Key);
    for (const name of functionNames()) expect({ name, functions: keys.filter((key) => key === assetKey(name)).length }).toEqual({ name, functions: 1 });
  });
});
