import { LocalApiKeys } from '../../../lib/local/local-api-keys';

const T0 = Date.UTC(2030, 0, 2, 23, 59, 0);
const TIERS = { standard: { rateLimit: 2, burstLimit: 3, dailyQuota: 5 }, premium: { rateLimit: 100, burstLimit: 100, dailyQuota: 100 } };

/** A key made and put in a plan through the control plane, as the admin API's key sync does it. */
function keyIn(keys: LocalApiKeys, tier: string | undefined, value = 'v'.repeat(40), enabled = true): string {
  const created = keys.controlPlane('POST', '/apikeys', new URLSearchParams(), JSON.stringify({ name: 'ciam-gateway-local-acme', value, enabled }));
  const { id } = JSON.parse(created.body) as { id: string };
  if (tier) expect(keys.controlPlane('POST', `/usageplans/local-${tier}/keys`, new URLSearchParams(), JSON.stringify({ keyId: id, keyType: 'API_KEY' })).statusCode).toBe(201);
  return id;
}

const admissions = (keys: LocalApiKeys, value: string, n: number, at: number) => Array.from({ length: n }, () => keys.admit(value, at));

describe('LocalApiKeys', () => {
  it('admits a burst, then throttles until the bucket refills at the rate', () => {
    const keys = new LocalApiKeys(TIERS);
    keyIn(keys, 'standard');
    const value = 'v'.repeat(40);
    expect(admissions(keys, value, 4, T0)).toEqual(['admitted', 'admitted', 'admitted', 'THROTTLED']);
    expect(admissions(keys, value, 2, T0 + 500)).toEqual(['admitted', 'THROTTLED']);
  });

  it('refuses over the daily quota until the next UTC day', () => {
    const keys = new LocalApiKeys(TIERS);
    keyIn(keys, 'standard');
    const value = 'v'.repeat(40);
    const used = [0, 1, 2, 3, 4].map((s) => keys.admit(value, T0 + s * 1000));
    expect(used).toEqual(Array(5).fill('admitted'));
    expect(keys.admit(value, T0 + 10_000)).toBe('QUOTA_EXCEEDED');
    expect(keys.admit(value, T0 + 60_000)).toBe('admitted'); // 23:59:00 + 60 s is the next day
  });

  it('refuses no key, an unknown key, a disabled key and a key in no plan as INVALID_API_KEY', () => {
    const keys = new LocalApiKeys(TIERS);
    expect(keys.admit(undefined, T0)).toBe('INVALID_API_KEY');
    expect(keys.admit('u'.repeat(40), T0)).toBe('INVALID_API_KEY');
    keyIn(keys, undefined, 'n'.repeat(40));
    expect(keys.admit('n'.repeat(40), T0)).toBe('INVALID_API_KEY');
    const id = keyIn(keys, 'premium', 'd'.repeat(40));
    keys.controlPlane('PATCH', `/apikeys/${id}`, new URLSearchParams(), JSON.stringify({ patchOperations: [{ op: 'replace', path: '/enabled', value: 'false' }] }));
    expect(keys.admit('d'.repeat(40), T0)).toBe('INVALID_API_KEY');
  });

  it("answers the control plane's errors as API Gateway does, with the error type the SDK reads", () => {
    const keys = new LocalApiKeys(TIERS);
    const id = keyIn(keys, 'standard');
    const again = keys.controlPlane('POST', '/usageplans/local-standard/keys', new URLSearchParams(), JSON.stringify({ keyId: id }));
    expect([again.statusCode, again.headers['x-amzn-errortype']]).toEqual([409, 'ConflictException']);
    const missing = keys.controlPlane('DELETE', `/usageplans/local-premium/keys/${id}`, new URLSearchParams(), '');
    expect([missing.statusCode, missing.headers['x-amzn-errortype']]).toEqual([404, 'NotFoundException']);
    expect(keys.controlPlane('POST', '/apikeys', new URLSearchParams(), '{').statusCode).toBe(400);
    expect(keys.controlPlane('POST', '/apikeys', new URLSearchParams(), JSON.stringify({ name: 'k', value: 'short' })).statusCode).toBe(400);
    // Values only when asked for.
    expect(JSON.parse(keys.controlPlane('GET', '/apikeys', new URLSearchParams({ name: 'ciam' }), '').body)).toEqual({ item: [{ id, name: 'ciam-gateway-local-acme', enabled: true }] });
  });
});
