import type { PolicyDocument } from '../../lambdas/core/route-policy';

/**
 * How API Gateway reads an authorizer's policy for one method ARN: an explicit Deny wins, otherwise some
 * Allow must match; `*` matches any run of characters and `?` one character, as in IAM resource patterns.
 */
export function policyAllows(policy: PolicyDocument, methodArn: string): boolean {
  const matching = policy.Statement.filter(
    (statement) => actionMatches(statement.Action) && statement.Resource.some((resource) => resourceMatches(resource, methodArn)),
  );
  return matching.some((s) => s.Effect === 'Allow') && !matching.some((s) => s.Effect === 'Deny');
}

function actionMatches(action: string): boolean {
  return action === 'execute-api:Invoke' || action === 'execute-api:*' || action === '*';
}

function resourceMatches(pattern: string, arn: string): boolean {
  const regex = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${regex}$`).test(arn);
}
