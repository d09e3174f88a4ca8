import { cachedBrandSecrets, SECRET_CACHE_MS } from '../../lambdas/adapters/brand-secrets';
import { UpstreamError } from '../../lambdas/core/errors';
import { fakeClock } from './fixtures';

const REF = 'ciam-gateway/prod/brands/brand-a/introspection';

function setup(values: string[] = ['s1', 's2', 's3', 's4']) {
  const clock = fakeClock();
  const reads: string[] = [];
  const secrets = cachedBrandSecrets({
    read: async (ref) => {
      reads.push(ref);
      const value = values[reads.length - 1];
      if (value === undefined) throw new UpstreamError('SECRET_UNAVAILABLE', `secret ${ref}: gone`);
      return value;
    },
    stage: 'prod',
    now: clock.now,
  });
  return { clock, reads, secrets };
}

describe('cachedBrandSecrets', () => {
  it('keeps a secret at most five minutes', async () => {
    const { clock, reads, secrets } = setup();
    expect(await secrets.secretOf('brand-a', REF)).toBe('s1');
    clock.advance(SECRET_CACHE_MS - 1);
    expect(await secrets.secretOf('brand-a', REF)).toBe('s1');
    clock.advance(1);
    expect(await secrets.secretOf('brand-a', REF)).toBe('s2');
    expect(reads).toHaveLength(2);
  });

  it('reads afresh when asked, but at most once per 10 s', async () => {
    const { clock, reads, secrets } = setup();
    await secrets.secretOf('brand-a', REF);
    expect(await secrets.secretOf('brand-a', REF, { fresh: true })).toBe('s2');
    expect(await secrets.secretOf('brand-a', REF, { fresh: true })).toBe('s2');
    clock.advance(10_000);
    expect(await secrets.secretOf('brand-a', REF, { fresh: true })).toBe('s3');
    expect(reads).toHaveLength(3);
  });

  it('shares one read among concurrent callers, and forgets a failed read', async () => {
    const { reads, secrets } = setup([]);
    await Promise.all([1, 2, 3].map(() => expect(secrets.secretOf('brand-a', REF)).rejects.toMatchObject({ code: 'SECRET_UNAVAILABLE' })));
    expect(reads).toHaveLength(1);
    await expect(secrets.secretOf('brand-a', REF)).rejects.toMatchObject({ code: 'SECRET_UNAVAILABLE' });
    expect(reads).toHaveLength(2);
  });

  it.each([
    ['another brand', 'ciam-gateway/prod/brands/brand-b/introspection'],
    ['another stage', 'ciam-gateway/dev/brands/brand-a/introspection'],
    ['a name outside the prefix', 'database/password'],
  ])('refuses %s\'s secret without reading it', async (_name, ref) => {
    const { reads, secrets } = setup();
    await expect(secrets.secretOf('brand-a', ref)).rejects.toMatchObject({ code: 'SECRET_UNAVAILABLE' });
    expect(reads).toEqual([]);
  });
});
