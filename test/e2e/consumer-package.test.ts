/**
 * The package as another team gets it: `npm pack`, the tarball installed once (with aws-cdk-lib and constructs at
 * this repository's versions) into an empty folder shared by a TypeScript app (tsc, then node) and a JavaScript app
 * (CommonJS `require` and ESM `import`). Everything there runs with a PATH that holds node and npm only: no esbuild,
 * tsx or Docker, so a synth that tried to bundle would fail. Each app synthesizes two RestApis sharing one
 * CiamAuthorizer, and a stack that uses a deployed gateway's authorizer through `CiamAuthorizer.fromStage`.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { FileSystem } from 'aws-cdk-lib';
import { PACKAGE_ROOT, functionAssetDirectory, functionAssetModule } from '../../lib/bundling';

const STAGE = 'prod';
const ROUTE_SCOPE = 'orders:read';

/** The consumer stacks, in TypeScript as a CDK app would write them (`cdk init`'s compiler settings below). */
const TYPESCRIPT_APP = `
import { App, Stack } from 'aws-cdk-lib';
import { MockIntegration, RestApi } from 'aws-cdk-lib/aws-apigateway';
import { AttributeType, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import { CiamAuthorizer, DEFAULT_QUOTA_TIERS, usagePlanParameterName, type QuotaTiers } from 'ciam-gateway';

class OrdersStack extends Stack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    const brandTable = new TableV2(this, 'Brands', { partitionKey: { name: 'brandId', type: AttributeType.STRING } });
    const revocationsTable = new TableV2(this, 'Revocations', { partitionKey: { name: 'pk', type: AttributeType.STRING } });
    const ciam = new CiamAuthorizer(this, 'Ciam', { brandTable, revocationsTable, stage: '${STAGE}' });
    for (const name of ['Orders', 'Loyalty']) {
      const api = new RestApi(this, name);
      const authorizer = ciam.authorizerFor(api, { routeScopes: { 'GET /orders': ['${ROUTE_SCOPE}'] } });
      api.root.addResource('orders').addMethod('GET', new MockIntegration(), { authorizer });
    }
  }
}

class PartnerStack extends Stack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    const shared = CiamAuthorizer.fromStage(this, 'Shared', { stage: '${STAGE}' });
    const api = new RestApi(this, 'Partner');
    api.root.addResource('offers').addMethod('GET', new MockIntegration(), { authorizer: shared.authorizerFor(api) });
  }
}

/** Opts in to quotas: its stage joins the deployed stage's tier plans, named by the exported tier types. */
class QuotaPartnerStack extends Stack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    const tiers: QuotaTiers = DEFAULT_QUOTA_TIERS;
    const shared = CiamAuthorizer.fromStage(this, 'Shared', { stage: '${STAGE}', quotaTiers: Object.keys(tiers) });
    const api = new RestApi(this, 'Partner');
    api.root.addResource('offers').addMethod('GET', new MockIntegration(), { authorizer: shared.authorizerFor(api, { quotas: true }) });
    this.templateOptions.description = usagePlanParameterName('${STAGE}', 'standard');
  }
}

const app = new App({ outdir: process.argv[2] });
new OrdersStack(app, 'Orders');
new PartnerStack(app, 'Partner');
new QuotaPartnerStack(app, 'QuotaPartner');
app.synth();
`;

const TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    lib: ['es2022'],
    strict: true,
    skipLibCheck: true,
    types: ['node'],
    outDir: 'built',
  },
  files: ['app.ts'],
};

/** The same stacks in plain JavaScript, after each module system's imports. */
const JAVASCRIPT_STACKS = `
class OrdersStack extends Stack {
  constructor(scope, id) {
    super(scope, id);
    const brandTable = new TableV2(this, 'Brands', { partitionKey: { name: 'brandId', type: AttributeType.STRING } });
    const revocationsTable = new TableV2(this, 'Revocations', { partitionKey: { name: 'pk', type: AttributeType.STRING } });
    const ciam = new CiamAuthorizer(this, 'Ciam', { brandTable, revocationsTable, stage: '${STAGE}' });
    for (const name of ['Orders', 'Loyalty']) {
      const api = new RestApi(this, name);
      const authorizer = ciam.authorizerFor(api, { routeScopes: { 'GET /orders': ['${ROUTE_SCOPE}'] } });
      api.root.addResource('orders').addMethod('GET', new MockIntegration(), { authorizer });
    }
  }
}

class PartnerStack extends Stack {
  constructor(scope, id) {
    super(scope, id);
    const shared = CiamAuthorizer.fromStage(this, 'Shared', { stage: '${STAGE}' });
    const api = new RestApi(this, 'Partner');
    api.root.addResource('offers').addMethod('GET', new MockIntegration(), { authorizer: shared.authorizerFor(api) });
  }
}

const app = new App({ outdir: process.argv[2] });
new OrdersStack(app, 'Orders');
new PartnerStack(app, 'Partner');
app.synth();
`;

const COMMONJS_APP = `
const { App, Stack } = require('aws-cdk-lib');
const { MockIntegration, RestApi } = require('aws-cdk-lib/aws-apigateway');
const { AttributeType, TableV2 } = require('aws-cdk-lib/aws-dynamodb');
const { CiamAuthorizer } = require('ciam-gateway');
${JAVASCRIPT_STACKS}`;

const ESM_APP = `
import { CiamAuthorizer } from 'ciam-gateway';
import cdk from 'aws-cdk-lib';
import apigateway from 'aws-cdk-lib/aws-apigateway';
import dynamodb from 'aws-cdk-lib/aws-dynamodb';
const { App, Stack } = cdk;
const { MockIntegration, RestApi } = apigateway;
const { AttributeType, TableV2 } = dynamodb;
${JAVASCRIPT_STACKS}`;

/** Tools that would let a synth bundle: none of them may be found, on PATH or in the install. */
const BUNDLERS = ['esbuild', 'tsx', 'docker'];

interface Resource {
  readonly Type: string;
  readonly Properties: Record<string, unknown>;
}
interface CfnTemplate {
  readonly Resources: Record<string, Resource>;
  readonly Parameters?: Record<string, { Type: string; Default?: string }>;
}

let work: string;
let app: string;
/** Only node, npm and npx on PATH; npm's cache stays the user's, so `--prefer-offline` finds what this repo installed. */
let consumerEnv: NodeJS.ProcessEnv;

async function run(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = consumerEnv): Promise<string> {
  try {
    const { stdout } = await promisify(execFile)(command, args, { cwd, env, maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`${command} ${args.join(' ')} failed in ${cwd}:\n${stdout ?? ''}\n${stderr ?? ''}`, { cause: error });
  }
}

const versionIn = (dir: string, name: string): string =>
  (JSON.parse(readFileSync(path.join(dir, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;

/** The file `tool` runs on this process's PATH, links resolved: npm and npx are scripts beside npm's own modules. */
function installedTool(tool: string): string {
  const dir = (process.env.PATH ?? '').split(path.delimiter).find((candidate) => existsSync(path.join(candidate, tool)));
  if (dir === undefined) throw new Error(`${tool} is not on PATH`);
  return realpathSync(path.join(dir, tool));
}

/** A folder with node, npm and npx, and the shell npm runs scripts with: the consumer's whole PATH. */
function nodeOnlyPath(dir: string): string {
  mkdirSync(dir);
  symlinkSync(process.execPath, path.join(dir, 'node'));
  for (const tool of ['npm', 'npx', 'sh']) symlinkSync(installedTool(tool), path.join(dir, tool));
  return dir;
}

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'ciam-consumer-'));
  const bin = nodeOnlyPath(path.join(work, 'bin'));
  consumerEnv = { PATH: bin, HOME: process.env.HOME, LANG: 'C.UTF-8' };

  // As a publisher would: pack runs `prepare`, the build.
  await run('npm', ['pack', '--pack-destination', work], PACKAGE_ROOT, process.env);
  const [tarball] = readdirSync(work).filter((file) => file.endsWith('.tgz'));
  if (tarball === undefined) throw new Error(`npm pack left no tarball in ${work}`);

  app = path.join(work, 'app');
  mkdirSync(app);
  writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'consumer-app', private: true }));
  const pinned = (name: string) => `${name}@${versionIn(PACKAGE_ROOT, name)}`;
  await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', path.join(work, tarball), pinned('aws-cdk-lib'), pinned('constructs'), pinned('@types/node')], app);
}, 150_000);

afterAll(() => {
  if (work !== undefined) rmSync(work, { recursive: true, force: true });
});

const templateOf = (outdir: string, stack: string): CfnTemplate =>
  JSON.parse(readFileSync(path.join(outdir, `${stack}.template.json`), 'utf8')) as CfnTemplate;

const ofType = (template: CfnTemplate, type: string): [string, Resource][] =>
  Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);

/** Whether `value` (a template fragment) refers to the resource `logicalId`. */
const refersTo = (value: unknown, logicalId: string): boolean =>
  JSON.stringify(value).includes(`{"Ref":"${logicalId}"}`) || JSON.stringify(value).includes(`["${logicalId}",`);

function expectConsumerAssembly(outdir: string): void {
  const orders = templateOf(outdir, 'Orders');
  const apis = ofType(orders, 'AWS::ApiGateway::RestApi').map(([id]) => id);
  expect(apis).toHaveLength(2);

  // One function, its code the packaged asset as this repository built it: same bytes, same hash, no re-bundling.
  const functions = ofType(orders, 'AWS::Lambda::Function');
  expect(functions).toHaveLength(1);
  const [functionId, fn] = functions[0] as [string, Resource];
  const hash = FileSystem.fingerprint(functionAssetDirectory('authorizer'));
  expect(fn.Properties).toMatchObject({ Handler: 'index.handler', Code: { S3Key: `${hash}.zip` } });
  expect(readFileSync(path.join(outdir, `asset.${hash}`, 'index.js')).equals(readFileSync(functionAssetModule('authorizer')))).toBe(true);

  // Two authorizers over that one function, one per API, and one invoke permission per API.
  const authorizers = ofType(orders, 'AWS::ApiGateway::Authorizer');
  expect(authorizers).toHaveLength(2);
  for (const api of apis) expect(authorizers.filter(([, a]) => refersTo(a.Properties.RestApiId, api) && refersTo(a.Properties.AuthorizerUri, functionId))).toHaveLength(1);
  const permissions = ofType(orders, 'AWS::Lambda::Permission');
  expect(permissions).toHaveLength(2);
  for (const api of apis) expect(permissions.filter(([, p]) => refersTo(p.Properties.FunctionName, functionId) && refersTo(p.Properties.SourceArn, api))).toHaveLength(1);

  // Each API's route scopes reach the shared function, keyed by that API's id.
  const routeScopes = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables.ROUTE_SCOPES;
  expect(JSON.stringify(routeScopes)).toContain(ROUTE_SCOPE);
  for (const api of apis) expect(refersTo(routeScopes, api)).toBe(true);

  // Each API is registered for the gateway's authorizer-cache flushes.
  const registered = (template: CfnTemplate): string[] =>
    ofType(template, 'AWS::SSM::Parameter')
      .filter(([, parameter]) => JSON.stringify(parameter.Properties.Name).includes(`/ciam-gateway/${STAGE}/apis/`))
      .map(([, parameter]) => JSON.stringify(parameter.Properties.Name));
  expect(apis.map((api) => registered(orders).filter((name) => name.includes(`{"Ref":"${api}"}`)).length)).toEqual([1, 1]);

  // fromStage: no function of its own; the deployed one's ARN read at deploy time, and a permission to invoke it.
  const partner = templateOf(outdir, 'Partner');
  expect(ofType(partner, 'AWS::Lambda::Function')).toHaveLength(0);
  const arnParameter = Object.entries(partner.Parameters ?? {}).find(([, p]) => p.Default === `/ciam-gateway/${STAGE}/authorizer-function-arn`);
  expect(arnParameter?.[1].Type).toBe('AWS::SSM::Parameter::Value<String>');
  const [partnerAuthorizer] = ofType(partner, 'AWS::ApiGateway::Authorizer');
  expect(refersTo(partnerAuthorizer?.[1].Properties.AuthorizerUri, arnParameter?.[0] ?? '?')).toBe(true);
  const [partnerPermission, ...others] = ofType(partner, 'AWS::Lambda::Permission');
  expect(others).toEqual([]);
  expect(refersTo(partnerPermission?.[1].Properties.FunctionName, arnParameter?.[0] ?? '?')).toBe(true);
  expect(registered(partner)).toHaveLength(1);
}

describe('the packed package, installed into an empty app', () => {
  it('brings no bundler: none on PATH, none installed', () => {
    const onPath = (consumerEnv.PATH ?? '').split(path.delimiter).flatMap((dir) => readdirSync(dir));
    const installed = readdirSync(path.join(app, 'node_modules', '.bin'));
    expect([...onPath, ...installed].filter((tool) => BUNDLERS.includes(tool))).toEqual([]);
    expect(existsSync(path.join(app, 'node_modules', 'esbuild'))).toBe(false);
  });

  it('synthesizes from TypeScript: compiled with tsc (cdk init settings), run with node', async () => {
    writeFileSync(path.join(app, 'app.ts'), TYPESCRIPT_APP);
    writeFileSync(path.join(app, 'tsconfig.json'), JSON.stringify(TSCONFIG));
    await run(process.execPath, [path.join(PACKAGE_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], app);
    const outdir = path.join(work, 'cdk.out-ts');
    await run('node', [path.join('built', 'app.js'), outdir], app);
    expectConsumerAssembly(outdir);
    // quotas: true on fromStage: API keys from the authorizer, and one plan join per tier, found by its SSM parameter.
    const quotaPartner = templateOf(outdir, 'QuotaPartner');
    expect(ofType(quotaPartner, 'AWS::ApiGateway::RestApi').map(([, api]) => api.Properties.ApiKeySourceType)).toEqual(['AUTHORIZER']);
    expect(ofType(quotaPartner, 'Custom::AWS')).toHaveLength(2);
    expect(Object.values(quotaPartner.Parameters ?? {}).map((p) => p.Default).filter((name) => String(name).includes('usage-plans')).sort()).toEqual([
      `/ciam-gateway/${STAGE}/usage-plans/premium`,
      `/ciam-gateway/${STAGE}/usage-plans/standard`,
    ]);
  }, 90_000);

  it('synthesizes from JavaScript with require()', async () => {
    writeFileSync(path.join(app, 'app.cjs'), COMMONJS_APP);
    const outdir = path.join(work, 'cdk.out-cjs');
    await run('node', ['app.cjs', outdir], app);
    expectConsumerAssembly(outdir);
  }, 60_000);

  it('synthesizes from JavaScript with an ESM import { CiamAuthorizer } from "ciam-gateway"', async () => {
    writeFileSync(path.join(app, 'app.mjs'), ESM_APP);
    const outdir = path.join(work, 'cdk.out-esm');
    await run('node', ['app.mjs', outdir], app);
    expectConsumerAssembly(outdir);
  }, 60_000);

  it("compiles and synthesizes the README's three snippets as printed", async () => {
    const readme = readFileSync(path.join(PACKAGE_ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Use the authorizer from your own stack'), readme.indexOf('## Publishing the package'));
    const snippets = [...section.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1] ?? '');
    expect(snippets).toHaveLength(3);
    const stacks = snippets.map((snippet, i) => {
      writeFileSync(path.join(app, `readme-${i}.ts`), snippet);
      return { module: `readme-${i}`, name: /export class (\w+) extends Stack/.exec(snippet)?.[1] ?? '?' };
    });
    writeFileSync(path.join(app, 'readme-app.ts'), [
      "import { App } from 'aws-cdk-lib';",
      ...stacks.map(({ module, name }) => `import { ${name} } from './${module}.js';`),
      'const app = new App({ outdir: process.argv[2] });',
      ...stacks.map(({ name }) => `new ${name}(app, '${name}');`),
      'app.synth();',
    ].join('\n'));
    writeFileSync(path.join(app, 'tsconfig.readme.json'), JSON.stringify({ ...TSCONFIG, files: ['readme-app.ts'] }));
    await run(process.execPath, [path.join(PACKAGE_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.readme.json'], app);
    const outdir = path.join(work, 'cdk.out-readme');
    await run('node', [path.join('built', 'readme-app.js'), outdir], app);

    const count = (stack: string, type: string) => ofType(templateOf(outdir, stack), type).length;
    // 1: one API, its own function. 2: two APIs, one function, one authorizer and permission each. 3: the deployed function.
    expect(stacks.map(({ name }) => [count(name, 'AWS::ApiGateway::RestApi'), count(name, 'AWS::Lambda::Function'), count(name, 'AWS::ApiGateway::Authorizer'), count(name, 'AWS::Lambda::Permission')])).toEqual([
      [1, 1, 1, 1],
      [2, 1, 2, 2],
      [1, 0, 1, 1],
    ]);
    const [orders] = ofType(templateOf(outdir, 'OrdersStack'), 'AWS::Lambda::Function');
    expect(JSON.stringify((orders?.[1].Properties.Environment as { Variables: Record<string, unknown> }).Variables.ROUTE_SCOPES)).toContain('orders:admin');
  }, 90_000);

  it('runs the CLI with plain node: npx ciam-gateway --help', async () => {
    const help = await run('npx', ['ciam-gateway', '--help'], app);
    expect(help).toMatch(/^usage: ciam-gateway /m);
  }, 30_000);
});
