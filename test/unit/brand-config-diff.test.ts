import { diffBrandConfigs } from '../../lambdas/core/brand-config-diff';
import { brand } from './fixtures';

describe('diffBrandConfigs', () => {
  it('finds no change between equal configs', () => {
    expect(diffBrandConfigs(brand(), brand())).toEqual({});
  });

  it('lists every field of a new brand, each from null', () => {
    const after = brand();
    const diff = diffBrandConfigs(undefined, after);
    expect(Object.keys(diff).sort()).toEqual(Object.keys(after).sort());
    expect(diff.issuer).toEqual({ before: null, after: after.issuer });
    expect(diff.status).toEqual({ before: null, after: 'active' });
  });

  it('names each changed field with its value before and after, status included', () => {
    const diff = diffBrandConfigs(brand(), brand({ status: 'disabled', audiences: ['loyalty-api', 'other'], clockToleranceSeconds: 30 }));
    expect(diff).toEqual({
      status: { before: 'active', after: 'disabled' },
      audiences: { before: ['loyalty-api'], after: ['loyalty-api', 'other'] },
      clockToleranceSeconds: { before: 60, after: 30 },
    });
  });

  it('shows a field that appears or disappears with null on the absent side', () => {
    const withDiscovery = brand({ discoveryUrl: 'https://login.brand-a.example/.well-known/openid-configuration' });
    expect(diffBrandConfigs(brand(), withDiscovery)).toEqual({ discoveryUrl: { before: null, after: withDiscovery.discoveryUrl } });
    expect(diffBrandConfigs(withDiscovery, brand())).toEqual({ discoveryUrl: { before: withDiscovery.discoveryUrl, after: null } });
  });

  it('compares objects by content: field mappings written in another order are no change', () => {
    const before = brand({ fieldMappings: { firstName: 'first', email: 'mail' } });
    const after = brand({ fieldMappings: { email: 'mail', firstName: 'first' } });
    expect(diffBrandConfigs(before, after)).toEqual({});
    expect(diffBrandConfigs(before, brand({ fieldMappings: { firstName: 'first' } }))).toEqual({
      fieldMappings: { before: { firstName: 'first', email: 'mail' }, after: { firstName: 'first' } },
    });
  });

  it('counts a reordered list as a change: the stored order is what is served', () => {
    expect(Object.keys(diffBrandConfigs(brand({ algorithms: ['RS256', 'ES256'] }), brand({ algorithms: ['ES256', 'RS256'] })))).toEqual(['algorithms']);
  });
});
