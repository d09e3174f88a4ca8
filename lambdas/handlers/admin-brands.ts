import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { adminDependencies, type AdminDependencies } from '../adapters/admin-runtime';
import type { StoredBrand } from '../adapters/brand-item';
import { headerValue } from '../adapters/http-headers';
import { json, type ProxyHandler } from '../adapters/proxy-response';
import { proxyHandlerFromEnvironment, withErrorResponses } from '../adapters/with-error-responses';
import { AdminError, RequestError } from '../core/errors';
import { readJsonBody } from '../core/request-bodies';

type AdminRoute = (event: APIGatewayProxyEvent, brandId: string) => Promise<APIGatewayProxyResult>;

/**
 * The admin API under /v1/admin/brands: list, read, create or replace (optimistic concurrency on `version` through
 * If-Match, required to replace), a dry run of a replace, disable, and the onboarding check. API Gateway lets only
 * IAM-signed callers through (the admin key in local mode); the caller's identity is recorded on every change.
 */
export function createAdminBrandsHandler(deps: AdminDependencies): ProxyHandler {
  const { store } = deps;
  const found = async (brandId: string): Promise<StoredBrand> => {
    const stored = await store.get(brandId);
    if (!stored) throw new AdminError('BRAND_NOT_FOUND', `brand ${brandId} does not exist`);
    return stored;
  };
  /**
   * `?flushAuthorizerCache=true`: the change is already stored; flushing only shortens how long API Gateway keeps
   * serving decisions it cached before it, on every API stage registered for the gateway's authorizer. The answer
   * names the stages flushed and those that failed (`authorizerCacheFlushed` is true when none did). The
   * authorizer's own config cache still runs out on its TTL.
   */
  const flushIfAsked = async (event: APIGatewayProxyEvent): Promise<Record<string, unknown>> => {
    if (event.queryStringParameters?.flushAuthorizerCache !== 'true') return {};
    const flush = await deps.flushAuthorizerCache();
    return { authorizerCacheFlushed: flush.failed.length === 0, authorizerCacheFlush: flush };
  };

  const routes: Readonly<Record<string, AdminRoute>> = {
    'GET /v1/admin/brands': async () => json(200, { brands: (await store.list()).map(summary) }),
    'GET /v1/admin/brands/{brandId}': async (_event, brandId) => versioned(200, await found(brandId)),
    'PUT /v1/admin/brands/{brandId}': async (event, brandId) => {
      const config = await deps.completeConfig({ ...readJson(event), brandId });
      if (event.queryStringParameters?.dryRun === 'true') {
        const { currentVersion, changes } = await store.preview(config);
        return json(200, { dryRun: true, brandId, currentVersion: currentVersion ?? null, changes });
      }
      const { stored, diff } = await store.put(config, ifMatch(event), actorOf(event));
      return versioned(stored.version === 1 ? 201 : 200, stored, { changedFields: Object.keys(diff), ...(await flushIfAsked(event)) });
    },
    'DELETE /v1/admin/brands/{brandId}': async (event, brandId) => versioned(200, await store.disable(brandId, actorOf(event)), await flushIfAsked(event)),
    'POST /v1/admin/brands/{brandId}/check': async (event, brandId) => {
      const { sampleToken } = event.body ? readJson(event) : {};
      if (sampleToken !== undefined && typeof sampleToken !== 'string') throw new RequestError('BODY_INVALID', 'sampleToken must be a string', ['sampleToken: must be a string']);
      return json(200, await deps.checkBrand((await found(brandId)).config, sampleToken));
    },
  };

  return withErrorResponses(async (event) => {
    const route = routes[`${event.httpMethod} ${event.resource}`];
    if (!route) throw new RequestError('BODY_INVALID', `no admin route ${event.httpMethod} ${event.resource}`);
    return route(event, event.pathParameters?.brandId ?? '');
  }, deps.observability);
}

export const handler = proxyHandlerFromEnvironment('admin', (env) => createAdminBrandsHandler(adminDependencies(env)));

function readJson(event: APIGatewayProxyEvent): Record<string, unknown> {
  const body = readJsonBody(event.body, event.isBase64Encoded);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new RequestError('BODY_INVALID', 'body is not an object', ['body: must be a JSON object']);
  return body as Record<string, unknown>;
}

/** `If-Match: "3"` (or `3`): replace only version 3. Without it, PUT only creates (428 for an existing brand). */
function ifMatch(event: APIGatewayProxyEvent): number | undefined {
  const header = headerValue(event.headers, 'if-match');
  if (header === undefined) return undefined;
  const version = Number(header.replace(/^W\//, '').replace(/"/g, ''));
  if (!Number.isInteger(version) || version < 1) throw new RequestError('BODY_INVALID', 'If-Match must be a brand version', ['If-Match: must be the version number, e.g. "3"']);
  return version;
}

/** Who signed the request (IAM), as API Gateway reports it. */
function actorOf(event: APIGatewayProxyEvent): string {
  const identity = event.requestContext.identity;
  return identity?.userArn ?? identity?.caller ?? 'unknown';
}

function summary({ config, version, updatedAt }: StoredBrand) {
  return { brandId: config.brandId, displayName: config.displayName, provider: config.provider, status: config.status, issuer: config.issuer, version, updatedAt };
}

/** Every brand answer carries its version, in the body and as the ETag. */
function versioned(status: number, stored: StoredBrand, extra: Record<string, unknown> = {}): APIGatewayProxyResult {
  return json(status, { ...stored.config, version: stored.version, updatedAt: stored.updatedAt, updatedBy: stored.updatedBy, ...extra }, { etag: `"${stored.version}"` });
}
