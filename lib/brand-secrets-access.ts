import { ArnFormat, Stack, Validations } from 'aws-cdk-lib';
import { Grant } from 'aws-cdk-lib/aws-iam';
import { brandSecretsPrefix } from '../lambdas/core/brand-config';
import type { ServiceFunction } from './service-function';

/**
 * Lets a function read the brands' client secrets of its stage (introspection): `secretsmanager:GetSecretValue` on
 * `ciam-gateway/<stage>/brands/*` and nothing else. Given to the authorizer (every CiamAuthorizer, consumers' too)
 * and the admin API, whose onboarding check introspects.
 */
export function grantBrandSecretsRead(fn: ServiceFunction, stage: string): void {
  const stack = Stack.of(fn);
  const resourceName = `${brandSecretsPrefix(stage)}*`;
  Grant.addToPrincipal({
    grantee: fn.function,
    actions: ['secretsmanager:GetSecretValue'],
    resourceArns: [stack.formatArn({ service: 'secretsmanager', resource: 'secret', resourceName, arnFormat: ArnFormat.COLON_RESOURCE_NAME })],
  });
  Validations.of(fn.role).acknowledge({
    id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:${resourceName}]`,
    reason:
      'Brands are onboarded at run time through the admin API, each with its own secrets under its prefix of this ' +
      'stage, so their names are unknown at deploy time; the action is only GetSecretValue, under this stage\'s brands.',
  });
}
