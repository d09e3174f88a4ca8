import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { App, Stack, type CfnElement } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import type { RouteHandlerName } from '../../lambdas/core/routes';
import { CiamGatewayStack } from '../../lib/ciam-gateway-stack';
import { resolveStageConfig } from '../../lib/stage-config';
import type { TableDefinition } from '../../lib/table-definitions';

/** The feature flags `cdk synth` runs with, so the tests assert on the template that deploys. */
const CDK_JSON_CONTEXT = (JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'cdk.json'), 'utf8')) as { context: Record<string, unknown> }).context;

/** An App like `cdk synth`'s: its functions load the assets `npm run build` made, so nothing is bundled here. */
export function testApp(): App {
  return new App({ context: CDK_JSON_CONTEXT });
}

export function gatewayStack(stage: string): CiamGatewayStack {
  return new CiamGatewayStack(testApp(), `CiamGateway-${stage}`, { stageConfig: resolveStageConfig(stage) });
}

type Resources = Record<string, { Properties: Record<string, unknown> }>;

/** Logical id of the only resource of `type` that matches `props`; fails unless there is exactly one. */
export function logicalIdOf(template: Template, type: string, props: Record<string, unknown>): string {
  const ids = Object.keys(template.findResources(type, { Properties: props }));
  if (ids.length !== 1) throw new Error(`expected one ${type} matching ${JSON.stringify(props)}, found ${ids.length}`);
  return ids[0] as string;
}

/** Logical id of the API Gateway resource at `resourcePath` (e.g. `/v1/brands/{brandId}`), walking from the root. */
export function apiResourceId(template: Template, resourcePath: string): string {
  const resources = template.findResources('AWS::ApiGateway::Resource') as Resources;
  let parentId: string | undefined;
  for (const part of resourcePath.split('/').filter(Boolean)) {
    const child = Object.entries(resources).find(([, { Properties: p }]) => {
      const parent = p.ParentId as { Ref?: string; 'Fn::GetAtt'?: [string, string] };
      const underParent = parentId === undefined ? parent['Fn::GetAtt']?.[1] === 'RootResourceId' : parent.Ref === parentId;
      return underParent && p.PathPart === part;
    });
    if (!child) throw new Error(`no API resource for ${part} in ${resourcePath}`);
    parentId = child[0];
  }
  if (parentId === undefined) throw new Error('the root resource has no logical id of its own');
  return parentId;
}

/** Properties of the method `httpMethod` at `resourcePath`. */
export function apiMethod(template: Template, httpMethod: string, resourcePath: string): Record<string, unknown> {
  const id = logicalIdOf(template, 'AWS::ApiGateway::Method', {
    HttpMethod: httpMethod,
    ResourceId: { Ref: apiResourceId(template, resourcePath) },
  });
  return (template.toJSON().Resources as Resources)[id]?.Properties ?? {};
}

/** The logical id `construct`'s resource has in the template, an overridden one included (`getLogicalId` ignores those). */
export function logicalIdOfConstruct(construct: IConstruct): string {
  const element = construct.node.defaultChild as CfnElement;
  return Stack.of(construct).resolve(element.logicalId) as string;
}

/**
 * What `registerApiStage` writes as a registration's value, as CloudFormation sees it: JSON of the API's stage name (a
 * reference to `stage`, the API's deployment stage) and, when known, its authorizer's brand-cache TTL.
 */
export function registrationValue(stage: IConstruct, brandCacheTtlSeconds?: number): unknown {
  const end = brandCacheTtlSeconds === undefined ? '"}' : `","brandCacheTtlSeconds":${brandCacheTtlSeconds}}`;
  return { 'Fn::Join': ['', ['{"stageName":"', { Ref: logicalIdOfConstruct(stage) }, end]] };
}

/** Logical id of the stack's table built from `definition`. */
export function tableLogicalId(stack: CiamGatewayStack, definition: TableDefinition): string {
  const table = stack.tables.get(definition.id);
  if (!table) throw new Error(`no table ${definition.id} in the stack`);
  return logicalIdOfConstruct(table);
}

/** Logical id of the function of route handler `handler`. */
export function routeFunctionLogicalId(stack: CiamGatewayStack, handler: RouteHandlerName): string {
  const fn = stack.routeFunctions.get(handler);
  if (!fn) throw new Error(`no function for route handler ${handler}`);
  return logicalIdOfConstruct(fn);
}

export interface PolicyStatement {
  readonly Effect?: string;
  readonly Action?: string | string[];
  readonly NotAction?: string | string[];
  readonly Resource?: unknown;
  readonly NotResource?: unknown;
  readonly Condition?: unknown;
}

/** Every statement of every identity policy of the role that `functionId` runs as: attached policies and inline ones. */
export function roleStatements(template: Template, functionId: string): PolicyStatement[] {
  const resources = template.toJSON().Resources as Resources;
  const roleId = ((resources[functionId]?.Properties.Role ?? {}) as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt']?.[0];
  if (roleId === undefined) throw new Error(`${functionId} has no role of this stack`);
  const attached = Object.values(template.findResources('AWS::IAM::Policy') as Resources)
    .filter(({ Properties: p }) => (p.Roles as unknown[]).some((role) => JSON.stringify(role) === JSON.stringify({ Ref: roleId })))
    .map(({ Properties: p }) => p.PolicyDocument);
  const inline = ((resources[roleId]?.Properties.Policies ?? []) as { PolicyDocument: unknown }[]).map((p) => p.PolicyDocument);
  return [...attached, ...inline].flatMap((document) => (document as { Statement: PolicyStatement[] }).Statement);
}

/** Whether a statement could concern DynamoDB: any `dynamodb:` or wildcard action, or any NotAction at all. */
export function concernsDynamoDb(statement: PolicyStatement): boolean {
  if (statement.NotAction !== undefined) return true;
  return [statement.Action ?? []].flat().some((action) => action.startsWith('dynamodb:') || action === '*');
}

/**
 * A policy resource as one readable string: a `Ref` is `${name}`, the `Arn` of a resource `names` knows (logical id to
 * name) is that name, an `Fn::Join` joins its parts so rendered, and anything else is its JSON.
 */
export function renderResource(resource: unknown, names: ReadonlyMap<string, string>): string {
  if (typeof resource === 'string') return resource;
  const { Ref: ref, 'Fn::GetAtt': getAtt, 'Fn::Join': join } = resource as {
    Ref?: string;
    'Fn::GetAtt'?: [string, string];
    'Fn::Join'?: [string, unknown[]];
  };
  if (ref !== undefined) return `\${${names.get(ref) ?? ref}}`;
  const named = getAtt?.[1] === 'Arn' ? names.get(getAtt[0]) : undefined;
  if (named !== undefined) return named;
  if (join !== undefined) return join[1].map((part) => renderResource(part, names)).join(join[0]);
  return JSON.stringify(resource);
}

/**
 * The permissions among `statements`, one `<Effect> <action> on <resource>` per action and resource, however IAM
 * policy minimisation merged the statements; resources as `renderResource` writes them with `names`. A condition,
 * NotAction or NotResource shows as JSON too, so nothing is silently dropped.
 */
export function permissions(statements: readonly PolicyStatement[], names: ReadonlyMap<string, string>): string[] {
  return statements.flatMap((statement) => {
    const extra = statement.Condition === undefined && statement.NotResource === undefined && statement.NotAction === undefined
      ? ''
      : ` with ${JSON.stringify({ Condition: statement.Condition, NotAction: statement.NotAction, NotResource: statement.NotResource })}`;
    const resources = [statement.Resource ?? []].flat().map((resource) => renderResource(resource, names));
    return [statement.Action ?? []].flat().flatMap((action) => resources.map((on) => `${statement.Effect} ${action} on ${on}${extra}`));
  });
}

/**
 * The DynamoDB permissions among `statements`, as `permissions` writes them: a table of the stack by its definition
 * id (`tableIds`: logical id to definition id), so `Allow dynamodb:GetItem on BrandConfigTable`, and anything else
 * (an index ARN, a wildcard) as it is.
 */
export function dynamoDbPermissions(statements: readonly PolicyStatement[], tableIds: ReadonlyMap<string, string>): string[] {
  return permissions(statements.filter(concernsDynamoDb), tableIds);
}

/**
 * A template value as deployed, for checks that parse it: a CloudFormation reference (a table name, an API id) becomes
 * `placeholder0`, which stands for any name of letters and digits (an API id has no other characters), and a join
 * (ROUTE_SCOPES' JSON with API ids as keys) is joined.
 */
export function deployedValue(value: unknown): string {
  if (typeof value === 'string') return value;
  const join = (value as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
  if (join !== undefined) return join[1].map(deployedValue).join(join[0]);
  return 'placeholder0';
}
