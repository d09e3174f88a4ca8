import { ArnFormat, Stack, Validations } from 'aws-cdk-lib';
import type { RestApi } from 'aws-cdk-lib/aws-apigateway';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { StringParameter } from 'aws-cdk-lib/aws-ssm';
import { AwsCustomResource, AwsCustomResourcePolicy, PhysicalResourceId, type AwsSdkCall } from 'aws-cdk-lib/custom-resources';
import type { Construct } from 'constructs';
import { usagePlanParameterName } from '../lambdas/core/ssm-parameter-names';

/**
 * Adds `api`'s deployed stage to the usage plan of each of `tiers` of a gateway stage deployed in this account and
 * region (another stack or app), found at deploy time through `/ciam-gateway/<stage>/usage-plans/<tier>`: a tier the
 * stage lacks fails the deploy. One `UpdateUsagePlan` per tier, made by a custom resource in the API's stack, so that
 * CloudFormation adds the stage once it exists and takes it off the plans before deleting it (a plan cannot keep a
 * deleted stage, and a gateway stage cannot be deleted while a plan still meters another API).
 */
export function joinStageQuotaPlans(scope: Construct, props: { readonly stage: string; readonly api: RestApi; readonly tiers: readonly string[] }): AwsCustomResource[] {
  const { api, stage } = props;
  const apiStage = `${api.restApiId}:${api.deploymentStage.stageName}`;
  return props.tiers.map((tier) => {
    const id = `CiamQuotaPlan-${stage}-${tier}`;
    const existing = api.node.tryFindChild(id);
    if (existing instanceof AwsCustomResource) return existing;
    const usagePlanId = StringParameter.valueForStringParameter(scope, usagePlanParameterName(stage, tier));
    const patch = (op: 'add' | 'remove'): AwsSdkCall => ({
      service: 'APIGateway',
      action: 'updateUsagePlan',
      parameters: { usagePlanId, patchOperations: [{ op, path: '/apiStages', value: apiStage }] },
      physicalResourceId: PhysicalResourceId.of(`${usagePlanId}/${apiStage}`),
      // Already on the plan (added by hand, or a retried create). Off it already, or its plan or API gone (API Gateway
      // answers 400 "Invalid API Stage" or 404): a delete never blocks the stack's deletion.
      ignoreErrorCodesMatching: op === 'add' ? 'ConflictException' : 'NotFoundException|BadRequestException',
    });
    const joined = new AwsCustomResource(api, id, {
      onCreate: patch('add'),
      onUpdate: patch('add'),
      onDelete: patch('remove'),
      installLatestAwsSdk: false,
      policy: AwsCustomResourcePolicy.fromStatements([
        new PolicyStatement({
          actions: ['apigateway:PATCH'],
          resources: [Stack.of(api).formatArn({ service: 'apigateway', account: '', resource: `/usageplans/${usagePlanId}`, arnFormat: ArnFormat.NO_RESOURCE_NAME })],
        }),
      ]),
    });
    joined.node.addDependency(api.deploymentStage);
    acknowledgeCustomResourceFunction(scope);
    return joined;
  });
}

/** The id of the singleton function CDK makes for every AwsCustomResource of a stack. */
const CUSTOM_RESOURCE_FUNCTION_ID = 'AWS679f53fac002430cb0da5b7982bd2287';

/** That function's managed role is CDK's choice: acknowledged on it, not on the rest of the stack. */
function acknowledgeCustomResourceFunction(scope: Construct): void {
  const fn = Stack.of(scope).node.tryFindChild(CUSTOM_RESOURCE_FUNCTION_ID);
  if (fn === undefined) return;
  Validations.of(fn).acknowledge({
    id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    reason: "CDK's AwsCustomResource function: the managed policy lets it write its own logs, nothing more.",
  });
}
