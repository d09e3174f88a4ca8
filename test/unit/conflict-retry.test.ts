import { MAX_ATTEMPTS, retryOnConflict } from '../../lambdas/core/conflict-retry';
import { UpstreamError } from '../../lambdas/core/errors';

describe('retryOnConflict', () => {
  it('returns the first result, after as many lost races as it took', async () => {
    let attempts = 0;
    const result = await retryOnConflict(async () => (++attempts < 3 ? undefined : 'done'));
    expect(result).toBe('done');
    expect(attempts).toBe(3);
  });

  it(`gives up with STORE_UNAVAILABLE after ${MAX_ATTEMPTS} lost races, and tries no more`, async () => {
    let attempts = 0;
    const gaveUp = retryOnConflict(async () => {
      attempts++;
      return undefined;
    });
    await expect(gaveUp).rejects.toBeInstanceOf(UpstreamError);
    await expect(gaveUp).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    expect(attempts).toBe(MAX_ATTEMPTS);
  });

  it('lets an error through at once: only a lost race is retried', async () => {
    let attempts = 0;
    const failing = retryOnConflict(async () => {
      attempts++;
      throw new Error('boom');
    });
    await expect(failing).rejects.toThrow('boom');
    expect(attempts).toBe(1);
  });
});
