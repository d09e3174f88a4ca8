import { MAPPED_FIELDS } from '../../lambdas/core/brand-config';
import { claimAt, mappedFields, scopesOf, STANDARD_CLAIMS } from '../../lambdas/core/claims';

describe('STANDARD_CLAIMS', () => {
  it('names the OIDC Core 5.1 standard claim of every mapped field', () => {
    expect(STANDARD_CLAIMS).toEqual({ firstName: 'given_name', lastName: 'family_name', email: 'email', mobile: 'phone_number' });
    expect(Object.keys(STANDARD_CLAIMS).sort()).toEqual([...MAPPED_FIELDS].sort());
  });

  it('is a valid fieldMappings value: mapping every field to it reads the standard claims', () => {
    expect(mappedFields({ given_name: 'Zoë', family_name: 'Ng', email: 'z@example.com', phone_number: '+447911123456' }, { fieldMappings: STANDARD_CLAIMS })).toEqual({
      firstName: 'Zoë', lastName: 'Ng', email: 'z@example.com', mobile: '+447911123456',
    });
  });
});

describe('claimAt', () => {
  const payload = JSON.parse('{"a":{"b":{"c":"deep"}},"flat":1,"dotted.name":"no","__proto__":{"polluted":"yes"}}') as Record<string, unknown>;

  it.each([
    ['flat', 1],
    ['a.b.c', 'deep'],
    ['a.b', { c: 'deep' }],
    ['a.x', undefined],
    ['flat.more', undefined],
    ['dotted.name', undefined],
    ['constructor', undefined],
    ['toString', undefined],
    ['a.b.c.length', undefined],
  ])('%s → %p', (path, value) => {
    expect(claimAt(payload, path)).toEqual(value);
  });

  it('reads an own __proto__ claim as data, never the prototype chain', () => {
    expect(claimAt(payload, '__proto__.polluted')).toBe('yes');
    expect(claimAt({}, '__proto__')).toBeUndefined();
  });
});

describe('scopesOf', () => {
  const generic = { provider: 'generic-oidc' as const };
  const auth0 = { provider: 'auth0' as const };

  it('splits the space-separated scope claim, ignoring empty entries', () => {
    expect([...scopesOf({ scope: 'openid  items:read profile ' }, generic)]).toEqual(['openid', 'items:read', 'profile']);
  });

  it('reads scp as a list or as a string', () => {
    expect([...scopesOf({ scp: ['a', 'b', 3, ''] }, generic)]).toEqual(['a', 'b']);
    expect([...scopesOf({ scp: 'a b' }, generic)]).toEqual(['a', 'b']);
  });

  it('merges scope and scp without duplicates', () => {
    expect([...scopesOf({ scope: 'a b', scp: ['b', 'c'] }, generic)]).toEqual(['a', 'b', 'c']);
  });

  it('reads Auth0 permissions only for an auth0 brand', () => {
    const payload = { scope: 'openid', permissions: ['items:read'] };
    expect(scopesOf(payload, auth0).has('items:read')).toBe(true);
    expect(scopesOf(payload, generic).has('items:read')).toBe(false);
    expect(scopesOf(payload, { provider: 'cognito' }).has('items:read')).toBe(false);
  });

  it.each([[{}], [{ scope: 42 }], [{ scope: null }], [{ scp: { a: true } }]])('finds no scopes in %p', (payload) => {
    expect(scopesOf(payload, generic).size).toBe(0);
  });

  it('keeps at most 256 scopes', () => {
    const many = Array.from({ length: 1000 }, (_, i) => `s${i}`).join(' ');
    expect(scopesOf({ scope: many }, generic).size).toBe(256);
  });
});

describe('mappedFields', () => {
  const brand = { fieldMappings: { firstName: 'given_name', mobile: 'contact.phone', email: 'email', lastName: 'family_name' } };

  it('maps claims by name and dot path', () => {
    expect(mappedFields({ given_name: 'Zoë', contact: { phone: '+447911123456' }, email: 'z@example.com', family_name: 'Ng' }, brand)).toEqual({
      firstName: 'Zoë', mobile: '+447911123456', email: 'z@example.com', lastName: 'Ng',
    });
  });

  it('normalises as the customer profile does: names trimmed, email lower-cased, mobile in E.164', () => {
    expect(mappedFields({ given_name: ' Zoë ', family_name: 'Ng\t', email: '  Zoe.NG@Example.COM', contact: { phone: ' +44 7911 123-456 ' } }, brand)).toEqual({
      firstName: 'Zoë', lastName: 'Ng', email: 'zoe.ng@example.com', mobile: '+447911123456',
    });
  });

  it('leaves out what is not a string or fails its rule, rather than passing it on as it came', () => {
    expect(mappedFields({ given_name: { first: 'x' }, contact: { phone: 447911123456 }, email: '', family_name: true }, brand)).toEqual({});
    expect(mappedFields({ given_name: ['a'], email: null }, brand)).toEqual({});
    expect(mappedFields({ given_name: 'x'.repeat(129), family_name: 'a\u2028b', email: 'zoe@localhost', contact: { phone: '07911 123456' } }, brand)).toEqual({});
  });

  it('maps nothing without mappings', () => {
    expect(mappedFields({ given_name: 'Zoë' }, { fieldMappings: {} })).toEqual({});
  });
});
