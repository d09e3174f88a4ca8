import { parseStoredBrand, toBrandItem, type StoredBrand } from '../../lambdas/adapters/brand-item';
import { UpstreamError } from '../../lambdas/core/errors';
import { brand } from './fixtures';

const PUBLIC = { allowLoopbackHttp: false };
const stored: StoredBrand = { config: brand({ requiredScopes: ['loyalty'] }), version: 3, updatedAt: '2024-01-02T03:04:05.000Z', updatedBy: 'arn:aws:iam::123456789012:user/ops' };

describe('the brand item format', () => {
  it('stores the config at the top level, keyed by brandId, beside its bookkeeping', () => {
    const item = toBrandItem(stored);
    expect(item).toMatchObject({ brandId: 'brand-a', issuer: stored.config.issuer, version: 3, updatedAt: stored.updatedAt, updatedBy: stored.updatedBy });
    expect(item).not.toHaveProperty('config');
  });

  it('reads back exactly what it wrote', () => {
    // Through JSON, as DynamoDB would store it: nothing may depend on object identity.
    expect(parseStoredBrand(JSON.parse(JSON.stringify(toBrandItem(stored))), PUBLIC)).toEqual(stored);
  });

  it('refuses an item that no longer validates, naming the brand and the problem', () => {
    const edited = { ...toBrandItem(stored), jwksUri: 'http://10.0.0.1/keys', surprise: true };
    const read = () => parseStoredBrand(edited, PUBLIC);
    expect(read).toThrow(UpstreamError);
    expect(read).toThrow(expect.objectContaining({ code: 'STORE_UNAVAILABLE' }));
    expect(read).toThrow(/brand brand-a no longer validates: .*surprise: unknown field/);
    expect(read).toThrow(/jwksUri: must be https/);
  });

  it('validates with the policy it is given: loopback only where allowed', () => {
    const local = { ...toBrandItem(stored), jwksUri: 'http://127.0.0.1:3001/jwks' };
    expect(() => parseStoredBrand(local, PUBLIC)).toThrow(UpstreamError);
    expect(parseStoredBrand(local, { allowLoopbackHttp: true }).config.jwksUri).toBe('http://127.0.0.1:3001/jwks');
  });
});
