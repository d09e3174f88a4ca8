import { InternalError } from './errors';
import { API_ID, routeResources, type ApiRouteScopes, type RouteScopes } from './route-scopes';

/**
 * The IAM policy an authorizer returns. API Gateway caches it per identity source (token + brand) and applies it to
 * every route of the API the token is sent to, so it must be the same whichever route was asked: Allow the whole
 * stage, and Deny by name each route whose scopes the token lacks.
 */
export interface PolicyDocument {
  readonly Version: '2012-10-17';
  readonly Statement: readonly { readonly Action: 'execute-api:Invoke'; readonly Effect: 'Allow' | 'Deny'; readonly Resource: readonly string[] }[];
}

/** The policy for a verified token: its scopes, and whether it lacks any of its brand's `requiredScopes`. */
export type RoutePolicy = (methodArn: string, scopes: ReadonlySet<string>, brandScopesMissing: boolean) => PolicyDocument;

/** Routes that need the same scopes, tested once per token. */
interface ScopeGuard {
  readonly scopes: readonly string[];
  readonly resources: readonly string[];
}

/** `arn:aws:execute-api:{region}:{account}:{apiId}/{stage}/{METHOD}/{path}`: the API id and the `…/{stage}` prefix. */
const METHOD_ARN = new RegExp(`^(arn:aws[\\w-]*:execute-api:[\\w-]+:\\d{12}:(${API_ID})\\/[^/]+)\\/`);

/**
 * The policy of every API in `apis` (an API not in it: every route needs only a valid token). The routes are grouped
 * by the scopes they need here, once per container, so a decision only tests each distinct set against the token.
 */
export function routePolicy(apis: ApiRouteScopes): RoutePolicy {
  const guardsByApi = new Map(Object.entries(apis).map(([apiId, routeScopes]) => [apiId, scopeGuards(routeScopes)]));
  return (methodArn, scopes, brandScopesMissing) => {
    const { apiId, prefix } = parseMethodArn(methodArn);
    if (brandScopesMissing) return policy([statement('Deny', [`${prefix}/*/*`])]);
    const deny: string[] = [];
    for (const guard of guardsByApi.get(apiId) ?? []) {
      if (!guard.scopes.every((scope) => scopes.has(scope))) for (const resource of guard.resources) deny.push(`${prefix}/${resource}`);
    }
    return policy([statement('Allow', [`${prefix}/*/*`]), ...(deny.length > 0 ? [statement('Deny', deny)] : [])]);
  };
}

function scopeGuards(routeScopes: RouteScopes): ScopeGuard[] {
  const guards = new Map<string, { scopes: readonly string[]; resources: string[] }>();
  for (const [key, scopes] of Object.entries(routeScopes)) {
    if (scopes.length === 0) continue;
    const id = [...new Set(scopes)].sort().join(' ');
    const guard = guards.get(id) ?? { scopes: id.split(' '), resources: [] };
    guard.resources.push(...routeResources(key));
    guards.set(id, guard);
  }
  return [...guards.values()];
}

function parseMethodArn(methodArn: string): { readonly apiId: string; readonly prefix: string } {
  const match = METHOD_ARN.exec(methodArn);
  if (!match?.[1] || !match[2]) throw new InternalError('methodArn is not an execute-api method ARN');
  return { prefix: match[1], apiId: match[2] };
}

function statement(Effect: 'Allow' | 'Deny', Resource: readonly string[]): PolicyDocument['Statement'][number] {
  return { Action: 'execute-api:Invoke', Effect, Resource };
}

function policy(Statement: PolicyDocument['Statement']): PolicyDocument {
  return { Version: '2012-10-17', Statement };
}
