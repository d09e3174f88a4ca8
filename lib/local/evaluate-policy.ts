/**
 * How API Gateway reads a Lambda authorizer's IAM policy for one method ARN, with IAM's evaluation logic: an
 * explicit Deny wins, otherwise some Allow must match, and no matching statement denies. In a resource ARN `*`
 * matches any run of characters (`/` included) and `?` one character; ARNs compare case-sensitively. Actions
 * compare case-insensitively, with the same wildcards, against `execute-api:Invoke`.
 */

/** A policy statement as an authorizer may return it: IAM takes a string or a list for Action and Resource. */
export interface PolicyStatement {
  readonly Effect: 'Allow' | 'Deny';
  readonly Action: string | readonly string[];
  readonly Resource: string | readonly string[];
}

export interface AuthorizerPolicy {
  readonly Statement: readonly PolicyStatement[];
}

/** The one action API Gateway checks an authorizer's policy for. */
const INVOKE = 'execute-api:Invoke';

export function policyAllows(policy: AuthorizerPolicy, methodArn: string): boolean {
  const matching = policy.Statement.filter(
    (statement) =>
      listOf(statement.Action).some((action) => wildcardMatches(action, INVOKE, 'i')) &&
      listOf(statement.Resource).some((resource) => wildcardMatches(resource, methodArn, '')),
  );
  return matching.some((s) => s.Effect === 'Allow') && !matching.some((s) => s.Effect === 'Deny');
}

function listOf(value: string | readonly string[]): readonly string[] {
  return typeof value === 'string' ? [value] : value;
}

function wildcardMatches(pattern: string, value: string, flags: string): boolean {
  const regex = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${regex}$`, `s${flags}`).test(value);
}
