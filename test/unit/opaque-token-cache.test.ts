import type { BrandConfig } from '../../lambdas/core/brand-config';
import { TokenError } from '../../lambdas/core/errors';
import { checkIntrospectionAnswer } from '../../lambdas/core/opaque-token-answer';
import { cachedOpaqueTokenValidator, NEGATIVE_CACHE_MS } from '../../lambdas/core/opaque-token-cache';
import { brand, fakeClock, NOW } from './fixtures';

const INTROSPECTION = { endpoint: 'https://login.brand-a.example/introspect', clientId: 'gateway', clientSecretRef: 'ciam-gateway/prod/brands/brand-a/introspection' };
const TOKEN = 'opaque-token-0123456789abcdef';

/** A CIAM that answers from a table of tokens, counting calls; `release` lets held answers go. */
function fakeCiam(answers: Record<string, Record<string, unknown>>, clock: { now: () => number }) {
  const calls: string[] = [];
  let held: (() => void)[] | undefined;
  return {
    calls,
    hold: () => { held = []; },
    release: () => { for (const go of held ?? []) go(); held = undefined; },
    validate: async (token: string, config: BrandConfig) => {
      calls.push(token);
      if (held) await new Promise<void>((resolve) => held?.push(resolve));
      return checkIntrospectionAnswer(answers[token] ?? { active: false }, config, clock.now() / 1000);
    },
  };
}

const setup = (ttl = 60, exp = NOW + 300) => {
  const clock = fakeClock();
  const config = brand({ tokenFormat: 'opaque', introspection: INTROSPECTION, introspectionCacheTtlSeconds: ttl });
  const ciam = fakeCiam({ [TOKEN]: { active: true, sub: 'user-1', exp } }, clock);
  return { clock, config, ciam, validate: cachedOpaqueTokenValidator({ validate: ciam.validate, now: clock.now }) };
};

describe('cachedOpaqueTokenValidator', () => {
  it('asks once per TTL: min(exp - now, introspectionCacheTtlSeconds)', async () => {
    const { clock, config, ciam, validate } = setup(60, NOW + 300);
    await validate(TOKEN, config);
    clock.advance(59_999);
    await validate(TOKEN, config);
    expect(ciam.calls).toHaveLength(1);
    clock.advance(1);
    await validate(TOKEN, config);
    expect(ciam.calls).toHaveLength(2);
  });

  it('never keeps an answer past the token\'s exp', async () => {
    const { clock, config, ciam, validate } = setup(60, NOW + 10);
    await validate(TOKEN, config);
    clock.advance(10_000);
    await expect(validate(TOKEN, config)).rejects.toMatchObject({ code: 'TOKEN_EXPIRED' });
    expect(ciam.calls).toHaveLength(2);
  });

  it('keeps a refusal for 5 s', async () => {
    const { clock, config, ciam, validate } = setup();
    await expect(validate('unknown-token-0123456789abc', config)).rejects.toBeInstanceOf(TokenError);
    clock.advance(NEGATIVE_CACHE_MS - 1);
    await expect(validate('unknown-token-0123456789abc', config)).rejects.toMatchObject({ code: 'TOKEN_INACTIVE' });
    expect(ciam.calls).toHaveLength(1);
    clock.advance(1);
    await expect(validate('unknown-token-0123456789abc', config)).rejects.toMatchObject({ code: 'TOKEN_INACTIVE' });
    expect(ciam.calls).toHaveLength(2);
  });

  it('keeps nothing with a TTL of 0', async () => {
    const { config, ciam, validate } = setup(0);
    await validate(TOKEN, config);
    await validate(TOKEN, config);
    expect(ciam.calls).toHaveLength(2);
  });

  it('makes one call for 100 concurrent misses of one token', async () => {
    const { config, ciam, validate } = setup();
    ciam.hold();
    const decisions = Array.from({ length: 100 }, () => validate(TOKEN, config));
    ciam.release();
    expect((await Promise.all(decisions)).every((v) => v.subject === 'user-1')).toBe(true);
    expect(ciam.calls).toHaveLength(1);
  });

  it('asks again once the brand config is reloaded (a new object), as the JWT path does', async () => {
    const { config, ciam, validate } = setup();
    await validate(TOKEN, config);
    await validate(TOKEN, { ...config });
    expect(ciam.calls).toHaveLength(2);
  });

  it('keeps brands apart: one token under two brands is two answers', async () => {
    const { config, ciam, validate } = setup();
    await validate(TOKEN, config);
    await expect(validate(TOKEN, { ...config, brandId: 'brand-b' })).resolves.toMatchObject({ subject: 'user-1' });
    expect(ciam.calls).toHaveLength(2);
  });
});
