import type { AdminBrandStore, AdminDependencies } from '../../../lambdas/adapters/admin-runtime';
import type { StoredBrand } from '../../../lambdas/adapters/brand-item';
import type { FlushReport } from '../../../lambdas/core/authorizer-cache-flush';
import { parseBrandConfig, type BrandConfig } from '../../../lambdas/core/brand-config';
import { diffBrandConfigs } from '../../../lambdas/core/brand-config-diff';
import { AdminError, UpstreamError } from '../../../lambdas/core/errors';
import { versionToReplace, type IfMatch } from '../../../lambdas/core/if-match';
import { createAdminBrandsHandler } from '../../../lambdas/handlers/admin-brands';
import { fakeClock, minimalBrandInput, NOW } from '../fixtures';
import { FakeRevocationStore } from '../revocation-fakes';
import { bodyOf, proxyEvent, recordingObservability } from '../../support/handler-fakes';

const OPERATOR = 'arn:aws:iam::123456789012:user/operator';

/** The brand store's contract in memory: versions, and If-Match decided by the same rule as the real store's. */
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

  async put(config: BrandConfig, ifMatch: IfMatch | undefined, actor: string) {
    const before = this.brands.get(config.brandId);
    versionToReplace(config.brandId, ifMatch, before?.version);
    return { stored: this.store(config, before, actor), diff: diffBrandConfigs(before?.config, config) };
  }

  async setStatus(brandId: string, status: BrandConfig['status'], actor: string) {
    const before = this.brands.get(brandId);
    if (!before) throw new AdminError('BRAND_NOT_FOUND', 'none');
    return this.store({ ...before.config, status }, before, actor);
  }

  private store(config: BrandConfig, before: StoredBrand | undefined, actor: string): StoredBrand {
    this.writes += 1;
    const stored = { config, version: (before?.version ?? 0) + 1, updatedAt: new Date(this.now()).toISOString(), updatedBy: actor };
    this.brands.set(config.brandId, stored);
    return stored;
  }
}

const FLUSHED: FlushReport = { ok: true, flushed: ['own/dev', 'orders/v1'], failed: [], followUpAt: ['2023-11-14T22:14:25.000Z'] };

function setup(options: { flush?: () => Promise<FlushReport> } = {}) {
  const clock = fakeClock();
  const store = new FakeBrandStore(clock.now);
  const checks: { brand: BrandConfig; sampleToken: string | undefined }[] = [];
  const revocations = new FakeRevocationStore();
  const auditPages: { brandId: string; page: { limit: number; cursor?: string } }[] = [];
  let flushes = 0;
  const deps: AdminDependencies = {
    store,
    audit: {
      brandTrail: async (brandId, page) => {
        auditPages.push({ brandId, page });
        return { entries: [{ kind: 'config', at: '2023-11-14T22:13:20.000Z', action: 'brand_created' }], next: 'next-page' };
      },
    },
    completeConfig: async (body) => {
      // A discovery document that cannot be fetched, as the real completion meets it.
      if (body.discoveryUrl === 'https://login.brand-a.example/down') throw new UpstreamError('FETCH_TIMEOUT', 'discovery timed out');
      return parseBrandConfig(body, { allowLoopbackHttp: false });
    },
    checkBrand: async (brand, sampleToken) => {
      checks.push({ brand, sampleToken });
      return { ok: true, steps: [{ step: 'discovery', ok: true, detail: 'fine' }] };
    },
    flushAuthorizerCache: async () => {
      flushes += 1;
      return options.flush ? options.flush() : FLUSHED;
    },
    revocations,
    now: clock.now,
    observability: recordingObservability(),
  };
  return { handle: createAdminBrandsHandler(deps), store, revocations, checks, auditPages, flushes: () => flushes, clock };
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
async function withBrand(options: { flush?: () => Promise<FlushReport> } = {}) {
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

    const stale = await handle(put('brand-a', config({ displayName: 'Again' }), { ifMatch: '"1"' }));
    expect(stale.statusCode).toBe(412);
    expect(bodyOf(stale)).toEqual({ code: 'VERSION_MISMATCH', message: expect.any(String), currentVersion: 2 });
    expect(stale.headers).toMatchObject({ etag: '"2"' });
  });

  it('replaces on any strong tag of a list that is the current version, or on *', async () => {
    const { handle } = await withBrand();
    expect((await handle(put('brand-a', config({ displayName: 'B' }), { ifMatch: '"7", "1"' }))).statusCode).toBe(200);
    expect((await handle(put('brand-a', config({ displayName: 'C' }), { ifMatch: '*' }))).statusCode).toBe(200);
    expect(bodyOf(await handle(put('brand-a', config({ displayName: 'D' }), { ifMatch: ' ,"3" ,' })))).toMatchObject({ version: 4 });
  });

  // RFC 9110 §13.1.1: a well-formed entity tag that does not match (strong comparison) fails the precondition.
  it.each(['"stale-version-0"', '"0"', '"01"', 'W/"1"', '"2", W/"1"', '""'])('answers 412 with the current version to If-Match %s, writing nothing', async (ifMatch) => {
    const { handle, store } = await withBrand();
    const response = await handle(put('brand-a', config({ displayName: 'Renamed' }), { ifMatch }));
    expect([response.statusCode, bodyOf(response), response.headers?.etag]).toEqual([412, { code: 'VERSION_MISMATCH', message: expect.any(String), currentVersion: 1 }, '"1"']);
    expect(store.brands.get('brand-a')?.version).toBe(1);
  });

  it.each([['"1"'], ['*']])('answers 412 without a version to If-Match %s on a brand that does not exist, creating nothing', async (ifMatch) => {
    const { handle, store } = setup();
    const response = await handle(put('brand-new', config(), { ifMatch }));
    expect([response.statusCode, bodyOf(response)]).toEqual([412, { code: 'VERSION_MISMATCH', message: expect.any(String) }]);
    expect(store.brands.size).toBe(0);
  });

  it.each([
    ['a bare number', '1'], ['a bare word', 'abc'], ['a bare decimal', '1.5'], ['an unclosed quote', '"1'], ['tags without a comma', '"1" "2"'],
    ['an unquoted weak tag', 'W/1'], ['a lower-case weak prefix', 'w/"1"'], ['* in a list', '"1", *'], ['nothing', ''], ['an empty list', ','],
    ['a control character', '"a\u0001"'], ['over 1024 characters', `"${'1'.repeat(2000)}"`],
  ])('refuses a malformed If-Match (%s) with 400 BODY_INVALID, writing nothing', async (_case, ifMatch) => {
    const { handle, store } = await withBrand();
    const response = await handle(put('brand-a', config({ displayName: 'Renamed' }), { ifMatch }));
    expect([response.statusCode, bodyOf(response).code, bodyOf(response).problems]).toEqual([400, 'BODY_INVALID', [expect.stringMatching(/^If-Match: /)]]);
    expect(store.brands.get('brand-a')?.version).toBe(1);
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

  it('flushes the authorizer caches when asked, and reports the flush in `flush`', async () => {
    const { handle, flushes } = await withBrand();
    const unasked = await handle(put('brand-a', config({ displayName: 'B' }), { ifMatch: '"1"' }));
    expect([bodyOf(unasked).flush, flushes()]).toEqual([undefined, 0]);
    const flushed = await handle(put('brand-a', config({ displayName: 'C' }), { ifMatch: '"2"', query: { flushAuthorizerCache: 'true' } }));
    expect(bodyOf(flushed)).toMatchObject({ version: 3, flush: FLUSHED });
    expect(bodyOf(flushed)).not.toHaveProperty('authorizerCacheFlushed');
    expect(flushes()).toBe(1);
  });

  it.each([
    ['status', { status: 'disabled' }],
    ['issuer', { issuer: 'https://login.brand-b.example/' }],
    ['jwksUri', { jwksUri: 'https://keys.brand-a.example/jwks.json' }],
    ['audiences', { audiences: ['other-api'] }],
    ['algorithms', { algorithms: ['ES256'] }],
    ['requiredScopes', { requiredScopes: ['loyalty'] }],
  ])('flushes unasked when a replace changes %s, which the authorizer decides on', async (_field, change) => {
    const { handle, flushes } = await withBrand();
    const response = await handle(put('brand-a', config(change), { ifMatch: '"1"' }));
    expect([response.statusCode, bodyOf(response).flush, flushes()]).toEqual([200, FLUSHED, 1]);
  });

  it('does not flush unasked for a new brand, or a change of fields no decision reads', async () => {
    const { handle, flushes } = setup();
    expect(bodyOf(await handle(put('brand-a', config()))).flush).toBeUndefined();
    const indifferent = { displayName: 'B', userinfoEndpoint: 'https://login.brand-a.example/me', fieldMappings: { email: 'mail' } };
    expect(bodyOf(await handle(put('brand-a', config(indifferent), { ifMatch: '"1"' }))).flush).toBeUndefined();
    expect(flushes()).toBe(0);
  });

  it('answers the stored change with 200 and the flush report when a flush falls short', async () => {
    const short: FlushReport = { ok: false, reason: '1 of 2 API stages could not be flushed now', flushed: ['own/dev'], failed: [{ stage: 'gone/prod', code: 'FETCH_FAILED' }], followUpAt: [] };
    const { handle, store } = await withBrand({ flush: async () => short });
    const response = await handle(put('brand-a', config({ displayName: 'B' }), { ifMatch: '"1"', query: { flushAuthorizerCache: 'true' } }));
    expect([response.statusCode, bodyOf(response).version, bodyOf(response).flush]).toEqual([200, 2, short]);
    expect(store.brands.get('brand-a')?.version).toBe(2);
  });

  it('never answers a 5xx for a stored change, even when the flush throws', async () => {
    const { handle, store } = await withBrand({ flush: async () => { throw new UpstreamError('FETCH_FAILED', 'ssm down'); } });
    for (const event of [
      put('brand-a', config({ issuer: 'https://login.brand-b.example/' }), { ifMatch: '"1"' }),
      proxyEvent({ method: 'DELETE', resource: '/v1/admin/brands/{brandId}', pathParameters: { brandId: 'brand-a' } }),
    ]) {
      const response = await handle(event);
      expect([response.statusCode, bodyOf(response).flush]).toEqual([200, { ok: false, reason: expect.stringContaining('FETCH_FAILED'), flushed: [], failed: [], followUpAt: [] }]);
    }
    expect(store.brands.get('brand-a')).toMatchObject({ version: 3, config: { status: 'disabled' } });
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
    for (const [method, resource] of [
      ['GET', '/v1/admin/brands/{brandId}'], ['DELETE', '/v1/admin/brands/{brandId}'], ['POST', '/v1/admin/brands/{brandId}/check'],
      ['POST', '/v1/admin/brands/{brandId}/enable'], ['GET', '/v1/admin/brands/{brandId}/audit'],
    ]) {
      const response = await handle(proxyEvent({ method, resource, pathParameters: { brandId: 'nope' } }));
      expect([response.statusCode, bodyOf(response).code]).toEqual([404, 'BRAND_NOT_FOUND']);
    }
  });

  it('disables a brand and keeps it, at the next version, and always flushes the authorizer caches', async () => {
    const { handle, flushes } = await withBrand();
    const response = await handle(proxyEvent({ method: 'DELETE', resource: '/v1/admin/brands/{brandId}', pathParameters: { brandId: 'brand-a' }, userArn: OPERATOR }));
    expect(response.statusCode).toBe(200);
    expect(bodyOf(response)).toMatchObject({ status: 'disabled', version: 2, updatedBy: OPERATOR, flush: FLUSHED });
    expect(flushes()).toBe(1);
  });

  it('enables a disabled brand again, at the next version, and flushes the authorizer caches', async () => {
    const { handle, flushes } = await withBrand();
    const route = (method: string, resource: string) => handle(proxyEvent({ method, resource, pathParameters: { brandId: 'brand-a' }, userArn: OPERATOR }));
    await route('DELETE', '/v1/admin/brands/{brandId}');
    const response = await route('POST', '/v1/admin/brands/{brandId}/enable');
    expect([response.statusCode, response.headers?.etag]).toEqual([200, '"3"']);
    expect(bodyOf(response)).toMatchObject({ status: 'active', version: 3, updatedBy: OPERATOR, flush: FLUSHED });
    expect(flushes()).toBe(2);
  });

  it("pages a brand's audit trail: 25 records by default, the cursor passed on, the next page's cursor answered", async () => {
    const { handle, auditPages } = await withBrand();
    const audit = (query?: Record<string, string>) =>
      handle(proxyEvent({ method: 'GET', resource: '/v1/admin/brands/{brandId}/audit', pathParameters: { brandId: 'brand-a' }, ...(query ? { query } : {}) }));
    expect(bodyOf(await audit())).toEqual({ brandId: 'brand-a', entries: [{ kind: 'config', at: '2023-11-14T22:13:20.000Z', action: 'brand_created' }], next: 'next-page' });
    await audit({ limit: '100', cursor: 'next-page' });
    expect(auditPages).toEqual([{ brandId: 'brand-a', page: { limit: 25 } }, { brandId: 'brand-a', page: { limit: 100, cursor: 'next-page' } }]);
  });

  it.each(['0', '101', '-1', '2.5', 'ten', '', '0010'])('refuses an audit page of limit %j with 400 QUERY_INVALID', async (limit) => {
    const { handle, auditPages } = await withBrand();
    const response = await handle(proxyEvent({ method: 'GET', resource: '/v1/admin/brands/{brandId}/audit', pathParameters: { brandId: 'brand-a' }, query: { limit } }));
    expect([response.statusCode, bodyOf(response).code, bodyOf(response).problems]).toEqual([400, 'QUERY_INVALID', ['limit: must be a whole number from 1 to 100']]);
    expect(auditPages).toEqual([]);
  });

  it('checks an unsaved draft as a save would store it, with a sample token, and stores nothing', async () => {
    const { handle, checks, store } = setup();
    const check = (body: unknown) => handle(proxyEvent({ method: 'POST', resource: '/v1/admin/checks', body }));
    const draft = minimalBrandInput();
    expect(bodyOf(await check({ ...draft, sampleToken: 'a.b.c' }))).toEqual({ ok: true, steps: [{ step: 'discovery', ok: true, detail: 'fine' }] });
    expect(checks).toEqual([{ brand: parseBrandConfig(draft, { allowLoopbackHttp: false }), sampleToken: 'a.b.c' }]);
    expect(store.writes).toBe(0);

    const invalid = await check({ ...draft, issuer: 'not a url' });
    expect([invalid.statusCode, bodyOf(invalid).code, bodyOf(invalid).problems]).toEqual([400, 'BRAND_CONFIG_INVALID', [expect.stringMatching(/^issuer: /)]]);
    const unreachable = await check({ ...draft, discoveryUrl: 'https://login.brand-a.example/down' });
    expect([unreachable.statusCode, bodyOf(unreachable)]).toEqual([200, { ok: false, steps: [{ step: 'discovery', ok: false, detail: 'FETCH_TIMEOUT: discovery timed out' }] }]);
    const badToken = await check({ ...draft, sampleToken: ['a'] });
    expect([badToken.statusCode, bodyOf(badToken).code]).toEqual([400, 'BODY_INVALID']);
    expect(checks).toHaveLength(1);
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

describe('/v1/admin/brands/{brandId}/revocations', () => {
  const revoke = (brandId: string, body: unknown) =>
    proxyEvent({ method: 'POST', resource: '/v1/admin/brands/{brandId}/revocations', pathParameters: { brandId }, body, userArn: OPERATOR });
  const lookUp = (brandId: string, query: Record<string, string>) =>
    proxyEvent({ method: 'GET', resource: '/v1/admin/brands/{brandId}/revocations', pathParameters: { brandId }, query, userArn: OPERATOR });

  it("revokes a subject's tokens issued until now, audited with the operator", async () => {
    const { handle, revocations } = await withBrand();
    const response = await handle(revoke('brand-a', { sub: 'user-1' }));
    expect([response.statusCode, bodyOf(response)]).toEqual([200, { brandId: 'brand-a', revoked: 'subject', sub: 'user-1', revokedAt: NOW }]);
    expect(await revocations.stateOf('brand-a', 'user-1')).toEqual({ subRevokedBefore: NOW });
    expect(revocations.audited[0]?.request).toEqual({ requestId: 'req-1', actor: OPERATOR });
  });

  it('revokes a session, and shows what is recorded for it or for a subject', async () => {
    const { handle } = await withBrand();
    expect(bodyOf(await handle(revoke('brand-a', { sid: 'session-1' })))).toMatchObject({ revoked: 'session', sid: 'session-1' });
    expect(bodyOf(await handle(lookUp('brand-a', { sid: 'session-1' })))).toEqual({
      brandId: 'brand-a', sid: 'session-1', revocation: { revokedAt: NOW, source: 'admin', expiresAt: 0 },
    });
    expect(bodyOf(await handle(lookUp('brand-a', { sub: 'user-9' })))).toEqual({ brandId: 'brand-a', sub: 'user-9', revocation: null });
  });

  it.each([[{}], [{ sub: 'a', sid: 'b' }], [{ sub: '' }], [{ sub: 42 }], [{ user: 'a' }]])('refuses the body %j, revoking nothing', async (body) => {
    const { handle, revocations } = await withBrand();
    const response = await handle(revoke('brand-a', body));
    expect([response.statusCode, bodyOf(response).code]).toEqual([400, 'BODY_INVALID']);
    expect(revocations.records.size).toBe(0);
  });

  it('refuses a lookup naming neither or both of sub and sid', async () => {
    const { handle } = await withBrand();
    expect((await handle(lookUp('brand-a', {}))).statusCode).toBe(400);
    expect((await handle(lookUp('brand-a', { sub: 'a', sid: 'b' }))).statusCode).toBe(400);
  });

  it('answers 404 for a brand that does not exist', async () => {
    const { handle, revocations } = setup();
    const response = await handle(revoke('brand-z', { sub: 'user-1' }));
    expect([response.statusCode, bodyOf(response).code]).toEqual([404, 'BRAND_NOT_FOUND']);
    expect(revocations.records.size).toBe(0);
  });
});
