import { parseStoredBrand, toBrandItem, type StoredBrand } from '../../lambdas/adapters/brand-item';
import { BrandConfigRepository } from '../../lambdas/adapters/brand-config-repository';
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

  it("keeps the brand's API key beside the config, never in it, and reads a malformed one as none", () => {
    const keyed: StoredBrand = { ...stored, usageKey: { id: 'k1', value: 'v'.repeat(40) } };
    const item = JSON.parse(JSON.stringify(toBrandItem(keyed))) as Record<string, unknown>;
    expect(item.usageKey).toEqual({ id: 'k1', value: 'v'.repeat(40) });
    const read = parseStoredBrand(item, PUBLIC);
    expect(read).toEqual(keyed);
    expect(JSON.stringify(read.config)).not.toContain('v'.repeat(40));
    expect(parseStoredBrand({ ...item, usageKey: { id: 'k1' } }, PUBLIC)).toEqual(stored);
  });

  it('gives the authorizer the key value with the config, from the one read', async () => {
    const reads: string[] = [];
    const repository = new BrandConfigRepository({
      getItem: async (_table, key) => {
        reads.push(key.brandId as string);
        return toBrandItem({ ...stored, usageKey: { id: 'k1', value: 'v'.repeat(40) } });
      },
    }, 'brands', PUBLIC);
    expect(await repository.get('brand-a')).toEqual({ ...stored.config, usageIdentifierKey: 'v'.repeat(40) });
    expect(reads).toEqual(['brand-a']);
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
