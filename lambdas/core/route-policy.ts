import { InternalError } from './errors';
import type { RouteDefinition } from './routes';

/**
 * The IAM policy an authorizer returns. API Gateway caches it per identity source (token + brand) and
 * applies it to every route the token is sent to, so it must name exactly the guarded routes this token's
 * scopes permit (Allow) and those they do not (Deny), never "the route this request happened to hit".
 */
export interface PolicyDocument {
  readonly Version: '2012-10-17';
  readonly Statement: readonly { readonly Action: 'execute-api:Invoke'; readonly Effect: 'Allow' | 'Deny'; readonly Resource: readonly string[] }[];
}

/** `arn:aws:execute-api:{region}:{account}:{apiId}/{stage}/{METHOD}/{path}` → the `…/{stage}` prefix. */
function apiStagePrefix(methodArn: string): string {
  const match = /^(arn:aws[\w-]*:execute-api:[\w-]+:\d{12}:[A-Za-z0-9]+\/[^/]+)\//.exec(methodArn);
  if (!match?.[1]) throw new InternalError('methodArn is not an execute-api method ARN');
  return match[1];
}

/** `/v1/brands/{brandId}` → `GET/v1/brands/*`: path parameters match any one segment value. */
function routeResource(route: RouteDefinition): string {
  return `${route.method}${route.path.replace(/\{[^}]+\}/g, '*')}`;
}

export function policyFor(methodArn: string, routes: readonly RouteDefinition[], allowed: (route: RouteDefinition) => boolean): PolicyDocument {
  const prefix = apiStagePrefix(methodArn);
  const allow: string[] = [];
  const deny: string[] = [];
  for (const route of routes) {
    if (route.auth !== 'ciam') continue;
    (allowed(route) ? allow : deny).push(`${prefix}/${routeResource(route)}`);
  }
  const statement = (Effect: 'Allow' | 'Deny', Resource: string[]) => ({ Action: 'execute-api:Invoke' as const, Effect, Resource });
  const statements = [...(allow.length > 0 ? [statement('Allow', allow)] : []), ...(deny.length > 0 ? [statement('Deny', deny)] : [])];
  // A policy needs a statement even when no route is guarded.
  return { Version: '2012-10-17', Statement: statements.length > 0 ? statements : [statement('Deny', [`${prefix}/*`])] };
}
