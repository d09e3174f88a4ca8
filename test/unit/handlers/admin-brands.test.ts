import type { AdminBrandStore, AdminDependencies } from '../../../lambdas/adapters/admin-runtime';
import type { AuthorizerCacheFlushResult } from '../../../lambdas/adapters/authorizer-cache-flusher';
import type { StoredBrand } from '../../../lambdas/adapters/brand-item';
import { parseBrandConfig, type BrandConfig } from '../../../lambdas/core/brand-config';
import { diffBrandConfigs } from '../../../lambdas/core/brand-config-diff';
import { AdminError } from '../../../lambdas/core/errors';
import { createAdminBrandsHandler } from '../../../lambdas/handlers/admin-brands';
import { fakeClock, minimalBrandInput, NOW } from '../fixtures';
import { bodyOf, proxyEvent, recordingObservability } from '../../support/handler-fakes';

const OPERATOR = 'arn:aws:iam::123456789012:user/operator';

/** The brand store's contract in memory: versions, VERSION_REQUIRED and VERSION_MISMATCH as the real store has them. */
class FakeBrandStore implements AdminBrandStore {
  readonly brands = new Map<string, StoredBrand>();
  writes = 0;

  constructor(private readonly now: () => number) {}

  async get(brandId: string) {
    return this.brands.get(brandId);
  }

  async list() {
    return [...this.brands.values()];
  }

  async preview(config: BrandConfig) {
    const current = this.brands.get(config.brandId);
    return { currentVersion: current?.version, changes: diffBrandConfigs(current?.config, config) };
  }

  async put(config: BrandConfig, expectedVersion: number | undefined, actor: string) {
    const before = this.brands.get(config.brandId);
    if (before && expectedVersion === undefined) throw new AdminError('VERSION_REQUIRED', 'name the version', { currentVersion: before.version });
    if (expectedVersion !== undefined && before?.version !== expectedVersion) throw new AdminError('VERSION_MISMATCH', 'stale', { currentVersion: before?.version });
    return { stored: this.store(config, before, actor), diff: diffBrandConfigs(before?.config, config) };
  }

  async disable(brandId: string, actor: string) {
    const before = this.brands.get(brandId);
    if (!before) throw new AdminError('BRAND_NOT_FOUND', 'none');
    return this.store({ ...before.config, status: 'disabled' }, before, actor);
  }

  private store(config: BrandConfig, before: StoredBrand | undefined, actor: string): StoredBrand {
    this.writes += 1;
    const stored = { config, version: (before?.version ?? 0) + 1, updatedAt: new Date(this.now()).toISOString(), updatedBy: actor };
    this.brands.set(config.brandId, stored);
    return stored;
  }
}

function setup(options: { flushFailures?: AuthorizerCacheFlushResult['failed'] } = {}) {
  const clock = fakeClock();
  const store = new FakeBrandStore(clock.now);
  const checks: { brand: BrandConfig; sampleToken: string | undefined }[] = [];
  let flushes = 0;
  const deps: AdminDependencies = {
    store,
    completeConfig: async (body) => parseBrandConfig(body, { allowLoopbackHttp: false }),
    checkBrand: async (brand, sampleToken) => {
      checks.push({ brand, sampleToken });
      return { ok: true, steps: [{ step: 'discovery', ok: true, detail: 'fine' }] };
    },
    flushAuthorizerCache: async () => {
      flushes += 1;
      return { flushed: ['own/dev', 'orders/v1'], failed: options.flushFailures ?? [] };
    },
    observability: recordingObservability(),
  };
  return { handle: createAdminBrandsHandler(deps), store, checks, flushes: () => flushes, clock };
}

const put = (brandId: string, body: unknown, extra: { ifMatch?: string; query?: Record<string, string> } = {}) =>
  proxyEvent({
    method: 'PUT', resource: '/v1/admin/brands/{brandId}', pathParameters: { brandId }, body, userArn: OPERATOR,
    headers: extra.ifMatch === undefined ? {} : { 'If-Match': extra.ifMatch }, ...(extra.query ? { query: extra.query } : {}),
  });
const config = (overrides: Record<string, unknown> = {}) => {
  const { brandId: _brandId, ...body } = minimalBrandInput(overrides);
  return body;
};

/** A brand `brand-a` stored at version 1. */
async function withBrand(options: { flushFailures?: AuthorizerCacheFlushResult['failed'] } = {}) {
  const context = setup(options);
  expect((await context.handle(put('brand-a', config()))).statusCode).toBe(201);
  return context;
}

describe('PUT /v1/admin/brands/{brandId}', () => {
  it('creates a brand without If-Match: 201, version 1 in the body and the ETag, the operator recorded', async () => {
    const { handle } = setup();
    const response = await handle(put('brand-a', config()));
    expect(response.statusCode).toBe(201);
    expect(response.headers).toMatchObject({ etag: '"1"' });
    expect(bodyOf(response)).toMatchObject({ brandId: 'brand-a', version: 1, updatedBy: OPERATOR, updatedAt: new Date(NOW * 1000).toISOString() });
    expect(bodyOf(response).changedFields).toEqual(expect.arrayContaining(['brandId', 'displayName', 'issuer']));
  });

  it('answers 428 VERSION_REQUIRED, naming the current version, when an existing brand is replaced without If-Match', async () => {
    const { handle, store } = await withBrand();
    const response = await handle(put('brand-a', config({ displayName: 'Renamed' })));
    expect(response.statusCode).toBe(428);
    expect(bodyOf(response)).toEqual({ code: 'VERSION_REQUIRED', message: expect.any(String), currentVersion: 1 });
    expect(response.headers).toMatchObject({ etag: '"1"' });
    expect(store.brands.get('brand-a')?.config.displayName).toBe('Brand A');
  });

  it('replaces the version named in If-Match, and answers 412 with the current version for a stale one', async () => {
    const { handle } = await withBrand();
    const replaced = await handle(put('brand-a', config({ displayName: 'Renamed' }), { ifMatch: '"1"' }));
    expect(replaced.statusCode).toBe(200);
    expect(bodyOf(replaced)).toMatchObject({ version: 2, displayName: 'Renamed', changedFields: ['displayName'] });
    expect(replaced.headers).toMatchObject({ etag: '"2"' });

    const stale = await handle(put('brand-a', config({ displayName: 'Again' }), { ifMatch: 'W/"1"' }));
    expect(stale.statusCode).toBe(412);
    expect(bodyOf(stale)).toEqual({ code: 'VERSION_MISMATCH', message: expect.any(String), currentVersion: 2 });
    expect(stale.headers).toMatchObject({ etag: '"2"' });
  });

  it.each(['abc', '"0"', '1.5'])('refuses If-Match %p with 400', async (ifMatch) => {
    const { handle } = await withBrand();
    const response = await handle(put('brand-a', config(), { ifMatch }));
    expect([response.statusCode, bodyOf(response).code]).toEqual([400, 'BODY_INVALID']);
  });

  it('?dryRun=true shows every changed field against the stored config, status included, and writes nothing', async () => {
    const { handle, store } = await withBrand();
    const writes = store.writes;
    const response = await handle(put('brand-a', config({ displayName: 'Renamed', status: 'disabled' }), { query: { dryRun: 'true' } }));
    expect(response.statusCode).toBe(200);
    expect(bodyOf(response)).toEqual({
      dryRun: true, brandId: 'brand-a', currentVersion: 1,
      changes: { displayName: { before: 'Brand A', after: 'Renamed' }, status: { before: 'active', after: 'disabled' } },
    });
    expect(store.writes).toBe(writes);
  });

  it('?dryRun=true on a new brand names no current version', async () => {
    const { handle, store } = setup();
    const response = await handle(put('brand-new', config({ displayName: 'New' }), { query: { dryRun: 'true' } }));
    expect(bodyOf(response)).toMatchObject({ dryRun: true, brandId: 'brand-new', currentVersion: null, changes: { displayName: { before: null, after: 'New' } } });
    expect(store.brands.size).toBe(0);
  });

  it('refuses a config with every problem listed, the stored bookkeeping fields included', async () => {
    const { handle } = setup();
    for (const query of [undefined, { dryRun: 'true' }]) {
      const response = await handle(put('brand-a', { ...config({ issuer: undefined }), version: 3 }, query ? { query } : {}));
      expect(response.statusCode).toBe(400);
      expect(bodyOf(response)).toMatchObject({ code: 'BRAND_CONFIG_INVALID', problems: expect.arrayContaining(['version: unknown field']) });
    }
  });

  it('flushes the authorizer caches only when asked, and names the stages flushed', async () => {
    const { handle, flushes } = await withBrand();
    const unasked = await handle(put('brand-a', config({ displayName: 'B' }), { ifMatch: '1' }));
    expect([bodyOf(unasked).authorizerCacheFlushed, bodyOf(unasked).authorizerCacheFlush, flushes()]).toEqual([undefined, undefined, 0]);
    const flushed = await handle(put('brand-a', config({ displayName: 'C' }), { ifMatch: '2', query: { flushAuthorizerCache: 'true' } }));
    expect(bodyOf(flushed)).toMatchObject({ version: 3, authorizerCacheFlushed: true, authorizerCacheFlush: { flushed: ['own/dev', 'orders/v1'], failed: [] } });
    expect(flushes()).toBe(1);
  });

  it('still answers the stored change when a stage could not be flushed, naming it and its code', async () => {
    const failed = [{ stage: 'gone/prod', code: 'FETCH_FAILED' as const }];
    const { handle } = await withBrand({ flushFailures: failed });
    const response = await handle(put('brand-a', config({ displayName: 'B' }), { ifMatch: '1', query: { flushAuthorizerCache: 'true' } }));
    expect(response.statusCode).toBe(200);
    expect(bodyOf(response)).toMatchObject({ version: 2, authorizerCacheFlushed: false, authorizerCacheFlush: { flushed: ['own/dev', 'orders/v1'], failed } });
  });
});

describe('the other admin routes', () => {
  it('lists brand summaries, and reads one with its version as the ETag', async () => {
    const { handle } = await withBrand();
    const list = await handle(proxyEvent({ method: 'GET', resource: '/v1/admin/brands' }));
    expect(bodyOf(list)).toEqual({ brands: [{ brandId: 'brand-a', displayName: 'Brand A', provider: 'generic-oidc', status: 'active', issuer: expect.any(String), version: 1, updatedAt: expect.any(String) }] });
    const one = await handle(proxyEvent({ method: 'GET', resource: '/v1/admin/brands/{brandId}', pathParameters: { brandId: 'brand-a' } }));
    expect([one.statusCode, one.headers?.etag, bodyOf(one).version]).toEqual([200, '"1"', 1]);
  });

  it('answers 404 BRAND_NOT_FOUND for a brand that does not exist', async () => {
    const { handle } = setup();
    for (const [method, resource] of [['GET', '/v1/admin/brands/{brandId}'], ['DELETE', '/v1/admin/brands/{brandId}'], ['POST', '/v1/admin/brands/{brandId}/check']]) {
      const response = await handle(proxyEvent({ method, resource, pathParameters: { brandId: 'nope' } }));
      expect([response.statusCode, bodyOf(response).code]).toEqual([404, 'BRAND_NOT_FOUND']);
    }
  });

  it('disables a brand and keeps it, at the next version', async () => {
    const { handle } = await withBrand();
    const response = await handle(proxyEvent({ method: 'DELETE', resource: '/v1/admin/brands/{brandId}', pathParameters: { brandId: 'brand-a' }, userArn: OPERATOR }));
    expect(response.statusCode).toBe(200);
    expect(bodyOf(response)).toMatchObject({ status: 'disabled', version: 2, updatedBy: OPERATOR });
  });

  it('checks the stored config, with the sample token when one is sent', async () => {
    const { handle, checks, store } = await withBrand();
    const check = (body?: unknown) => handle(proxyEvent({ method: 'POST', resource: '/v1/admin/brands/{brandId}/check', pathParameters: { brandId: 'brand-a' }, body }));
    expect(bodyOf(await check())).toEqual({ ok: true, steps: [{ step: 'discovery', ok: true, detail: 'fine' }] });
    await check({ sampleToken: 'a.b.c' });
    expect(checks).toEqual([{ brand: store.brands.get('brand-a')?.config, sampleToken: undefined }, { brand: store.brands.get('brand-a')?.config, sampleToken: 'a.b.c' }]);
    const bad = await check({ sampleToken: 42 });
    expect([bad.statusCode, bodyOf(bad).code]).toEqual([400, 'BODY_INVALID']);
  });

  it('refuses a route it does not serve', async () => {
    const response = await setup().handle(proxyEvent({ method: 'PATCH', resource: '/v1/admin/brands/{brandId}', pathParameters: { brandId: 'brand-a' } }));
    expect([response.statusCode, bodyOf(response).code]).toEqual([400, 'BODY_INVALID']);
  });
});
