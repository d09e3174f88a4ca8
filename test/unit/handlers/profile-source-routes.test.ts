/**
 * The customer routes under each profile source: a userinfo brand needs `openid` in the access token (403
 * insufficient_scope, checked by the handlers since route scopes cannot vary by brand); an ID-token brand needs the
 * caller's ID token (body `idToken`, or `X-Id-Token` on GET /v1/me) and reads the profile from its claims.
 */
import { createChangeIdentifierHandler } from '../../../lambdas/handlers/change-identifier';
import { createLinkCustomerHandler } from '../../../lambdas/handlers/link-customer';
import { createMeHandler } from '../../../lambdas/handlers/me';
import { createRegisterCustomerHandler } from '../../../lambdas/handlers/register-customer';
import { makeKey, signToken, type TestKey } from '../../support/tokens';
import { bodyOf } from '../../support/handler-fakes';
import { claimsAt, NOW } from '../fixtures';
import { CUID, customerEvent, customerRoute } from './customer-route-fakes';

let a1: TestKey, x: TestKey;
beforeAll(async () => {
  [a1, x] = await Promise.all([makeKey('a1'), makeKey('x')]);
});

/** The caller's ID token from brand-a's CIAM, dated from the fixtures' NOW. */
const idToken = (claims: Record<string, unknown> = {}, key = a1) =>
  signToken(key, claimsAt({
    sub: CUID, aud: 'client-a', nonce: 'n-1', scope: undefined, given_name: 'Ida', family_name: 'Token',
    email: 'Ida@Example.com', email_verified: true, phone_number: '+447400123456', phone_number_verified: true, ...claims,
  }), { typ: 'JWT' });

const ROUTES = [
  ['link', 'POST', '/v1/customers/link'],
  ['register', 'POST', '/v1/customers/register'],
  ['identifiers', 'PUT', '/v1/customers/identifiers'],
  ['me', 'GET', '/v1/me'],
] as const;

function handlers(route: ReturnType<typeof customerRoute>) {
  return {
    link: createLinkCustomerHandler(route.deps),
    register: createRegisterCustomerHandler(route.deps),
    identifiers: createChangeIdentifierHandler(route.deps),
    me: createMeHandler(route.deps),
  };
}

/** A request of `route` carrying the ID token where that route takes it (body, or the header on GET). */
function withIdToken(name: (typeof ROUTES)[number][0], token: string | undefined, scopes = 'loyalty') {
  const [, method, resource] = ROUTES.find(([n]) => n === name) ?? ROUTES[0];
  const fields = name === 'register' ? { city: 'Leeds' } : name === 'identifiers' ? { type: 'email' } : {};
  if (name === 'me') return customerEvent({ method, resource, scopes, ...(token === undefined ? {} : { headers: { 'X-Id-Token': token } }) });
  const body = token === undefined ? fields : { ...fields, idToken: token };
  return customerEvent({ method, resource, scopes, ...(Object.keys(body).length === 0 ? {} : { body }) });
}

describe('a brand that reads profiles from userinfo', () => {
  it.each(ROUTES)('answers %s without openid with 403 insufficient_scope, reading and writing nothing', async (name, method, resource) => {
    const route = customerRoute();
    const response = await handlers(route)[name](customerEvent({ method, resource, scopes: 'loyalty profile', body: name === 'me' ? undefined : { type: 'email' } }));
    expect([response.statusCode, bodyOf(response).code]).toEqual([403, 'INSUFFICIENT_SCOPE']);
    expect(response.headers).toMatchObject({ 'www-authenticate': 'Bearer error="insufficient_scope"' });
    expect([route.state.userinfoCalls, route.store.calls]).toEqual([0, 0]);
  });

  it('ignores an ID token sent anyway: the profile still comes from userinfo', async () => {
    const route = customerRoute();
    const response = await handlers(route).link(withIdToken('link', await idToken(), 'openid'));
    expect(bodyOf(response)).toMatchObject({ created: true });
    expect(route.state.userinfoCalls).toBe(1);
  });
});

describe('a brand that reads profiles from the ID token', () => {
  const idTokenBrand = () => customerRoute({ brand: { profileSource: 'id_token' }, keys: { a1: a1.publicKey } });

  it('links from the ID token claims, mapped and normalised, with an access token lacking openid and no userinfo call', async () => {
    const route = idTokenBrand();
    const response = await handlers(route).link(withIdToken('link', await idToken()));
    expect(response.statusCode).toBe(200);
    expect(bodyOf(response)).toMatchObject({ created: true, linkedBy: 'new', changedFields: ['firstName', 'lastName', 'email', 'mobile'] });
    const customer = route.store.customers.get(bodyOf(response).customerId as string);
    expect(customer?.profile).toEqual({ firstName: 'Ida', lastName: 'Token', email: 'ida@example.com', mobile: '+447400123456' });
    expect(route.state.userinfoCalls).toBe(0);
  });

  it('serves every route with the ID token where each takes it', async () => {
    const route = idTokenBrand();
    const h = handlers(route);
    const token = await idToken();
    const { customerId } = bodyOf(await h.link(withIdToken('link', token)));
    const registered = await h.register(withIdToken('register', token));
    expect(bodyOf(registered)).toEqual({ customerId, changedFields: ['extendedFields.city'] });
    // The token is proof of the sign-in, never a registration field.
    expect(route.store.customers.get(customerId as string)?.sourceProfiles.INSTORE).toEqual({ extendedFields: { city: 'Leeds' } });

    const changed = await h.identifiers(withIdToken('identifiers', await idToken({ email: 'ida@new.example' })));
    expect(bodyOf(changed)).toEqual({ customerId, changedFields: ['email'] });
    const me = await h.me(withIdToken('me', await idToken({ email: 'ida@new.example' })));
    expect(bodyOf(me)).toMatchObject({ profile: { cuid: CUID, email: 'ida@new.example', emailVerified: true }, customer: { customerId } });
    expect(route.state.userinfoCalls).toBe(0);
  });

  it.each<[string, () => Promise<string | undefined>, string]>([
    ['missing', async () => undefined, 'ID_TOKEN_MISSING'],
    ['empty', async () => '', 'ID_TOKEN_MISSING'],
    ["another user's", () => idToken({ sub: 'someone-else' }), 'ID_TOKEN_SUBJECT_MISMATCH'],
    ['expired', () => idToken({ iat: NOW - 4000, exp: NOW - 3600 }), 'TOKEN_EXPIRED'],
    ['foreign (signed by another key)', () => idToken({}, x), 'KEY_NOT_FOUND'],
    ['foreign (another issuer)', () => idToken({ iss: 'https://login.brand-b.example/' }), 'ISSUER_MISMATCH'],
    ['an access token', () => signToken(a1, claimsAt({ sub: CUID })), 'TOKEN_TYPE_NOT_ACCEPTED'],
  ])('answers an ID token that is %s with 401 invalid_token on every route, writing nothing', async (_case, make, code) => {
    const route = idTokenBrand();
    const token = await make();
    for (const [name] of ROUTES) {
      const response = await handlers(route)[name](withIdToken(name, token));
      expect([name, response.statusCode, bodyOf(response).code]).toEqual([name, 401, code]);
      expect(response.headers).toMatchObject({ 'www-authenticate': 'Bearer error="invalid_token"' });
    }
    expect(route.store.calls).toBe(0);
  });

  it('refuses an idToken that is not a string as a bad body (400), naming it beside the other problems', async () => {
    const route = idTokenBrand();
    const response = await handlers(route).register(customerEvent({ method: 'POST', resource: '/v1/customers/register', body: { idToken: 42, extendedFields: 'Leeds' } }));
    expect(response.statusCode).toBe(400);
    expect(bodyOf(response).problems).toEqual(expect.arrayContaining([expect.stringMatching(/^idToken: /), expect.stringMatching(/^extendedFields: /)]));
    const link = await handlers(route).link(customerEvent({ method: 'POST', resource: '/v1/customers/link', body: { idToken: await idToken(), extra: 1 } }));
    expect([link.statusCode, bodyOf(link).code]).toEqual([400, 'BODY_INVALID']);
  });
});
