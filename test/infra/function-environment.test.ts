/**
 * The stack writes every function's environment from the contract the function reads
 * (lambdas/adapters/function-environment.ts), so each synthesized environment must pass that function's own reader.
 */
import 'aws-cdk-lib/testhelpers/jest-autoclean';
import { Template } from 'aws-cdk-lib/assertions';
import type { CfnElement } from 'aws-cdk-lib';
import { readFunctionEnvironment, type FunctionKind } from '../../lambdas/adapters/function-environment';
import { ROUTE_HANDLER_ACCESS } from '../../lib/route-handler-access';
import { deployedValue, gatewayStack, routeFunctionLogicalId } from './infra-test-support';

/** What the Lambda runtime adds to every function's environment: its region and the role's credentials. */
const LAMBDA_RUNTIME = { AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: 'ASIAEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret', AWS_SESSION_TOKEN: 'session' };

describe.each(['dev', 'prod'])('stage %s', (stage) => {
  const stack = gatewayStack(stage);
  const resources = Template.fromStack(stack).findResources('AWS::Lambda::Function') as Record<string, { Properties: { Environment?: { Variables?: Record<string, unknown> } } }>;
  const kinds = new Map<string, FunctionKind>([
    [stack.getLogicalId(stack.ciamAuthorizer.handler.node.defaultChild as CfnElement), 'authorizer'],
    ...(stack.gatewayApi.delayedCacheFlush ? [[stack.getLogicalId(stack.gatewayApi.delayedCacheFlush.function.node.defaultChild as CfnElement), 'cache-flush'] as const] : []),
    ...[...stack.routeFunctions.keys()].map((handler) => [routeFunctionLogicalId(stack, handler), ROUTE_HANDLER_ACCESS[handler].kind] as const),
  ]);

  test('knows the kind of every function in the template', () => {
    expect([...kinds.keys()].sort()).toEqual(Object.keys(resources).sort());
  });

  test.each([...kinds])('%s (%s) gets an environment its reader accepts', (logicalId, kind) => {
    const variables = resources[logicalId]?.Properties.Environment?.Variables ?? {};
    const deployed = { ...Object.fromEntries(Object.entries(variables).map(([name, value]) => [name, deployedValue(value)])), ...LAMBDA_RUNTIME };
    expect(readFunctionEnvironment(kind, deployed)).toMatchObject({ stage, metricsNamespace: 'CiamGateway', logLevel: 'INFO' });
  });
});

