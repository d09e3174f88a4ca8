import { headerValue } from '../../lambdas/adapters/http-headers';

describe('headerValue', () => {
  it('finds a header whatever its case', () => {
    for (const key of ['authorization', 'Authorization', 'AUTHORIZATION', 'aUtHoRiZaTiOn']) {
      expect(headerValue({ [key]: 'Bearer x', Other: 'y' }, 'authorization')).toBe('Bearer x');
    }
  });

  it('answers undefined for missing headers, no headers, and values that are not strings', () => {
    expect(headerValue({ 'x-brand-id': 'acme' }, 'authorization')).toBeUndefined();
    expect(headerValue(null, 'authorization')).toBeUndefined();
    expect(headerValue(undefined, 'authorization')).toBeUndefined();
    expect(headerValue({ authorization: undefined, Authorization: 'Bearer x' }, 'authorization')).toBe('Bearer x');
    expect(headerValue({ authorization: 42 } as never, 'authorization')).toBeUndefined();
  });

  it('reads only the object own keys, never its prototype', () => {
    const inherited = Object.create({ authorization: 'Bearer inherited' }) as Record<string, string>;
    expect(headerValue(inherited, 'authorization')).toBeUndefined();
    expect(headerValue(JSON.parse('{"__proto__":{"authorization":"Bearer x"}}') as Record<string, string>, 'authorization')).toBeUndefined();
  });
});
