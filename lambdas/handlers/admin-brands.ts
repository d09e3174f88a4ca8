import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { adminDependencies, type AdminDependencies, type AdminQuotas } from '../adapters/admin-runtime';
import type { StoredBrand } from '../adapters/brand-item';
import { checkDraft } from '../adapters/brand-onboarding-check';
import { headerValue } from '../adapters/http-headers';
import { translateError } from '../adapters/library-errors';
import { logger } from '../adapters/observability';
import { json, type ProxyHandler } from '../adapters/proxy-response';
import type { KeySyncReport } from '../adapters/usage-key-sync';
import { proxyHandlerFromEnvironment, withErrorResponses } from '../adapters/with-error-responses';
import { changesDecisions, failedFlushReport, type FlushReport } from '../core/authorizer-cache-flush';
import type { BrandConfig } from '../core/brand-config';
import { AdminError, ConfigValidationError, RequestError } from '../core/errors';
import { settleWithConcurrency } from '../core/settle-with-concurrency';
import { parseIfMatch } from '../core/if-match';
import { parseBody, readJsonBody, revocationBodySchema, validate } from '../core/request-bodies';
import type { RevocationTarget } from '../core/revocation';

/** Brands whose keys are synced at once: API Gateway's control plane allows about 10 calls a second per account. */
const KEY_SYNC_CONCURRENCY = 2;

type AdminRoute = (event: APIGatewayProxyEvent, brandId: string) => Promise<APIGatewayProxyResult>;

/**
 * The admin API under /v1/admin: list, read, create or replace brands (optimistic concurrency on `version` through
 * If-Match, required to replace: lambdas/core/if-match.ts), a dry run of a replace, disable and enable, the onboarding
 * check of a stored brand or of an unsaved draft (`/v1/admin/checks`), a brand's audit trail, the revocation of a
 * subject's tokens or a session's (`/revocations`), and the reconciliation of every brand's API key (`/api-keys/sync`).
 * API Gateway lets only IAM-signed callers through (the admin key in local mode); the caller's identity is recorded on
 * every change.
 */
export function createAdminBrandsHandler(deps: AdminDependencies): ProxyHandler {
  const { store } = deps;
  const found = async (brandId: string): Promise<StoredBrand> => {
    const stored = await store.get(brandId);
    if (!stored) throw new AdminError('BRAND_NOT_FOUND', `brand ${brandId} does not exist`);
    return stored;
  };
  /**
   * After a change is stored: flush API Gateway's cached authorizer decisions on every API stage registered for the
   * gateway's authorizer, now and again once the authorizers' brand caches have run out, when the change alters what
   * the authorizer decides (`required`: a disable, a new issuer, keys, audiences…) or the caller asks
   * (`?flushAuthorizerCache=true`). The change is stored whatever happens here: the answer's `flush` says what was
   * done, and `ok: false` with a `reason` what was not, never an error status.
   */
  const flushAfterStoring = async (event: APIGatewayProxyEvent, required: boolean): Promise<{ flush?: FlushReport }> => {
    if (!required && event.queryStringParameters?.flushAuthorizerCache !== 'true') return {};
    try {
      return { flush: await deps.flushAuthorizerCache() };
    } catch (err) {
      const error = translateError(err);
      logger.error('authorizer cache flush failed after a stored change', { code: error.code, reason: error.message });
      return { flush: failedFlushReport(error.code) };
    }
  };

  /**
   * After a change is stored: the brand's API key made, enabled or disabled, and moved to its tier's plan. The change
   * is stored whatever happens here: the answer's `keySync` says what was done, never an error status.
   */
  const syncKeyAfterStoring = async (stored: StoredBrand): Promise<{ keySync?: KeySyncReport }> =>
    deps.quotas ? { keySync: await deps.quotas.syncKey(stored) } : {};

  const setStatus = async (event: APIGatewayProxyEvent, brandId: string, status: BrandConfig['status']): Promise<APIGatewayProxyResult> => {
    const stored = await store.setStatus(brandId, status, actorOf(event));
    return versioned(200, stored, { ...(await flushAfterStoring(event, true)), ...(await syncKeyAfterStoring(stored)) });
  };

  const routes: Readonly<Record<string, AdminRoute>> = {
    'GET /v1/admin/brands': async () => json(200, { brands: (await store.list()).map(summary) }),
    'GET /v1/admin/brands/{brandId}': async (_event, brandId) => versioned(200, await found(brandId)),
    'PUT /v1/admin/brands/{brandId}': async (event, brandId) => {
      const ifMatch = parseIfMatch(headerValue(event.headers, 'if-match'));
      const config = await deps.completeConfig({ ...readJson(event), brandId });
      if (deps.quotas && !deps.quotas.tiers.includes(config.tier)) {
        throw new ConfigValidationError('BRAND_CONFIG_INVALID', [`tier: must be one of ${deps.quotas.tiers.join(', ')}`]);
      }
      if (event.queryStringParameters?.dryRun === 'true') {
        const { currentVersion, changes } = await store.preview(config);
        return json(200, { dryRun: true, brandId, currentVersion: currentVersion ?? null, changes });
      }
      const { stored, diff } = await store.put(config, ifMatch, actorOf(event));
      const created = stored.version === 1;
      return versioned(created ? 201 : 200, stored, {
        changedFields: Object.keys(diff),
        ...(await flushAfterStoring(event, !created && changesDecisions(diff))),
        ...(await syncKeyAfterStoring(stored)),
      });
    },
    // Reconciles every brand's API key with its stored config (after a sync that fell short, or keys changed by hand).
    'POST /v1/admin/api-keys/sync': async () => {
      if (!deps.quotas) return json(200, { ok: true, quotas: false, brands: [] });
      const brands = await store.list();
      const settled = await settleWithConcurrency(brands, KEY_SYNC_CONCURRENCY, (stored) => (deps.quotas as AdminQuotas).syncKey(stored));
      const reports = settled.map((outcome, i) => ({
        brandId: (brands[i] as StoredBrand).config.brandId,
        ...(outcome.status === 'fulfilled' ? outcome.value : { ok: false as const, code: translateError(outcome.reason).code }),
      }));
      return json(200, { ok: reports.every((report) => report.ok), quotas: true, brands: reports });
    },
    // A disabled brand's key is disabled too, and an enabled brand's key enabled again (the key sync follows the status).
    'DELETE /v1/admin/brands/{brandId}': async (event, brandId) => setStatus(event, brandId, 'disabled'),
    'POST /v1/admin/brands/{brandId}/enable': async (event, brandId) => setStatus(event, brandId, 'active'),
    'GET /v1/admin/brands/{brandId}/audit': async (event, brandId) => {
      await found(brandId);
      return json(200, { brandId, ...(await deps.audit.brandTrail(brandId, auditPageOf(event.queryStringParameters ?? {}))) });
    },
    'POST /v1/admin/brands/{brandId}/check': async (event, brandId) => {
      const { sampleToken } = event.body ? readJson(event) : {};
      return json(200, await deps.checkBrand((await found(brandId)).config, sampleTokenOf(sampleToken)));
    },
    // The onboarding check of a draft that is not saved: the body is a brand config as PUT takes it (completed by
    // discovery the same way, so the check sees what a save would store), beside an optional `sampleToken`.
    'POST /v1/admin/checks': async (event) => {
      const { sampleToken, ...draft } = readJson(event);
      const token = sampleTokenOf(sampleToken);
      return json(200, await checkDraft(draft, deps.completeConfig, (brand) => deps.checkBrand(brand, token)));
    },
    'POST /v1/admin/brands/{brandId}/revocations': async (event, brandId) => {
      await found(brandId);
      const target = revocationTargetOf(brandId, parseBody(revocationBodySchema, event.body, event.isBase64Encoded));
      const revokedAt = Math.floor(deps.now() / 1000);
      await deps.revocations.revoke({ target, revokedAt, source: 'admin' }, { requestId: event.requestContext.requestId, actor: actorOf(event) });
      return json(200, { brandId, revoked: target.kind === 'sub' ? 'subject' : 'session', ...claimOf(target), revokedAt });
    },
    'GET /v1/admin/brands/{brandId}/revocations': async (event, brandId) => {
      const { sub, sid } = event.queryStringParameters ?? {};
      const target = revocationTargetOf(brandId, validated(sub === undefined ? { sid } : { sub, ...(sid === undefined ? {} : { sid }) }));
      const stored = await deps.revocations.find(target);
      return json(200, { brandId, ...claimOf(target), revocation: stored ? { revokedAt: stored.revokedAt, source: stored.source, expiresAt: stored.expiresAt } : null });
    },
  };

  return withErrorResponses(async (event) => {
    const route = routes[`${event.httpMethod} ${event.resource}`];
    if (!route) throw new RequestError('BODY_INVALID', `no admin route ${event.httpMethod} ${event.resource}`);
    return route(event, event.pathParameters?.brandId ?? '');
  }, deps.observability);
}

export const handler = proxyHandlerFromEnvironment('admin', (env) => createAdminBrandsHandler(adminDependencies(env)));

/** The query of a revocation lookup, checked as the POST body is: exactly one of `sub` and `sid`. */
function validated(query: Record<string, string | undefined>): { sub: string } | { sid: string } {
  return validate(revocationBodySchema, Object.fromEntries(Object.entries(query).filter(([, value]) => value !== undefined)));
}

function revocationTargetOf(brandId: string, claim: { sub: string } | { sid: string }): RevocationTarget {
  return 'sub' in claim ? { kind: 'sub', brandId, sub: claim.sub } : { kind: 'sid', brandId, sid: claim.sid };
}

function claimOf(target: RevocationTarget): { sub: string } | { sid: string } {
  return target.kind === 'sub' ? { sub: target.sub } : { sid: target.sid };
}

function sampleTokenOf(sampleToken: unknown): string | undefined {
  if (sampleToken !== undefined && typeof sampleToken !== 'string') throw new RequestError('BODY_INVALID', 'sampleToken must be a string', ['sampleToken: must be a string']);
  return sampleToken;
}

/** An audit page: `limit` 1 to 100 records (default 25), after the `cursor` of the page before. */
function auditPageOf(query: Readonly<Record<string, string | undefined>>): { limit: number; cursor?: string } {
  const raw = query.limit ?? String(DEFAULT_AUDIT_PAGE);
  const limit = Number(raw);
  if (!/^\d{1,3}$/.test(raw) || limit < 1 || limit > MAX_AUDIT_PAGE) {
    throw new RequestError('QUERY_INVALID', 'limit is out of range', [`limit: must be a whole number from 1 to ${MAX_AUDIT_PAGE}`]);
  }
  return { limit, ...(query.cursor === undefined ? {} : { cursor: query.cursor }) };
}

const DEFAULT_AUDIT_PAGE = 25;
const MAX_AUDIT_PAGE = 100;

function readJson(event: APIGatewayProxyEvent): Record<string, unknown> {
  const body = readJsonBody(event.body, event.isBase64Encoded);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new RequestError('BODY_INVALID', 'body is not an object', ['body: must be a JSON object']);
  return body as Record<string, unknown>;
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
