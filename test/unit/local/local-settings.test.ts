import { ConfigValidationError } from '../../../lambdas/core/errors';
import { DEFAULT_QUOTA_TIERS } from '../../../lambdas/core/quota-tiers';
import { readLocalSettings } from '../../../lib/local/local-settings';

describe('readLocalSettings', () => {
  it("gives local mode's defaults for an empty environment: the README's ports, the stack's results-cache TTL", () => {
    expect(readLocalSettings({})).toEqual({
      port: 3000,
      ciamPort: 3001,
      adminKey: 'local-admin-key',
      resultsCacheTtlSeconds: 5,
      functionSettings: { brandCacheTtlSeconds: undefined, jwksCooldownSeconds: undefined },
      tierLimits: DEFAULT_QUOTA_TIERS,
    });
    expect(readLocalSettings({ PORT: '', LOCAL_ADMIN_KEY: '' })).toMatchObject({ port: 3000, adminKey: 'local-admin-key' });
  });

  it('reads every variable, and passes the functions\' settings on', () => {
    const settings = readLocalSettings({
      PORT: '0', CIAM_PORT: '4001', LOCAL_ADMIN_KEY: 'sesame', LOCAL_BRANDS_FILE: '/srv/brands.json', LOCAL_ROUTES_FILE: '/srv/routes.json',
      AUTHORIZER_RESULTS_CACHE_TTL_SECONDS: '0', BRAND_CACHE_TTL_SECONDS: '5', JWKS_COOLDOWN_SECONDS: '1',
      LOCAL_TIER_LIMITS: '{"standard":{"rateLimit":2,"burstLimit":3,"dailyQuota":100}}',
    });
    expect(settings).toEqual({
      port: 0, ciamPort: 4001, adminKey: 'sesame', brandsFile: '/srv/brands.json', routesFile: '/srv/routes.json', resultsCacheTtlSeconds: 0,
      functionSettings: { brandCacheTtlSeconds: 5, jwksCooldownSeconds: 1 },
      tierLimits: { standard: { rateLimit: 2, burstLimit: 3, dailyQuota: 100 } },
    });
  });

  it('refuses LOCAL_TIER_LIMITS that are not JSON, lack the standard tier or hold a limit out of range, naming each problem', () => {
    const problems = (raw: string) => {
      try {
        readLocalSettings({ LOCAL_TIER_LIMITS: raw });
      } catch (err) {
        return (err as ConfigValidationError).problems;
      }
      throw new Error('accepted');
    };
    expect(problems('{')).toEqual(['LOCAL_TIER_LIMITS is not JSON']);
    expect(problems('{"gold":{"rateLimit":0,"burstLimit":1,"dailyQuota":1,"x":1}}')).toEqual([
      'LOCAL_TIER_LIMITS: the tier standard is required: brands without a tier are in it',
      'LOCAL_TIER_LIMITS: gold.x: unknown field',
      'LOCAL_TIER_LIMITS: gold.rateLimit: must be an integer from 1 to 10000',
    ]);
  });

  it('resolves LOCAL_BRANDS_FILE and LOCAL_ROUTES_FILE from the directory npm was run in (INIT_CWD)', () => {
    const settings = readLocalSettings({ LOCAL_BRANDS_FILE: 'brands.json', LOCAL_ROUTES_FILE: '../api/routes.json', INIT_CWD: '/home/dev/work' });
    expect(settings).toMatchObject({ brandsFile: '/home/dev/work/brands.json', routesFile: '/home/dev/api/routes.json' });
  });

  it('names every bad variable at once, the functions\' with the bounds of the environment contract', () => {
    let error: unknown;
    try {
      readLocalSettings({ PORT: 'http', CIAM_PORT: '70000', AUTHORIZER_RESULTS_CACHE_TTL_SECONDS: '3601', BRAND_CACHE_TTL_SECONDS: '-1', JWKS_COOLDOWN_SECONDS: 'soon' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigValidationError);
    expect((error as ConfigValidationError).problems).toEqual([
      'PORT must be an integer from 0 to 65535',
      'CIAM_PORT must be an integer from 0 to 65535',
      'AUTHORIZER_RESULTS_CACHE_TTL_SECONDS must be an integer from 0 to 3600',
      'BRAND_CACHE_TTL_SECONDS must be an integer from 0 to 3600',
      'JWKS_COOLDOWN_SECONDS must be an integer from 1 to 600',
    ]);
  });
});
