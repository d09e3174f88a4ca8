import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import { CiamGatewayStack } from '../../lib/ciam-gateway-stack';
import { resolveStageConfig } from '../../lib/stage-config';

/** The feature flags `cdk synth` runs with, so the tests assert on the template that deploys. */
const CDK_JSON_CONTEXT = (JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'cdk.json'), 'utf8')) as { context: Record<string, unknown> }).context;

/** An App like `cdk synth`'s without bundling (no esbuild run; the handler entry files must still exist). */
export function testApp(): App {
  return new App({ context: { ...CDK_JSON_CONTEXT, 'aws:cdk:bundling-stacks': [] } });
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
