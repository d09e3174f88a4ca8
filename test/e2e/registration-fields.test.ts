/**
 * Registration fields per brand through local mode: a brand declares its fields through the admin API, and the
 * register route then takes exactly those, stored on the customer as INSTORE and shown by /v1/me.
 */
import { DEMO_AUDIENCE } from '../../lib/local/demo-ciam';
import { userAccessToken } from '../../lib/local/demo-login';
import type { LocalMode } from '../../lib/local/local-mode';
import { startE2eLocalMode } from './e2e-local-mode';

const ADMIN_KEY = 'e2e-fields-admin-key';
let local: LocalMode;

beforeAll(async () => {
  ({ local } = await startE2eLocalMode({ adminKey: ADMIN_KEY }));
}, 60_000);

afterAll(async () => {
  await local?.stop();
});

async function call(brandId: string, token: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${local.gatewayUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'x-brand-id': brandId, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const saveBrand = (brandId: string, registrationFields?: unknown) =>
  fetch(`${local.gatewayUrl}/v1/admin/brands/${brandId}`, {
    method: 'PUT',
    headers: { 'x-admin-key': ADMIN_KEY, 'content-type': 'application/json' },
    body: JSON.stringify({
      brandId, displayName: `Brand ${brandId}`, provider: 'generic-oidc', issuer: local.ciam.issuer, applicationId: `${brandId}-app`,
      // The demo CIAM's own userinfo, which takes its API access tokens as Auth0's does (discovery names another).
      jwksUri: local.ciam.jwksUri, userinfoEndpoint: local.ciam.userinfoEndpoint, clientId: 'demo-client', audiences: [DEMO_AUDIENCE], ...(registrationFields === undefined ? {} : { registrationFields }),
    }),
  });

it('takes the fields a brand declared through the admin API, and refuses the others with every problem named', async () => {
  const saved = await saveBrand('shoes', {
    extendedFields: { city: { type: 'string', maxLength: 32 } },
    customFields: { shoe_size: { type: 'number', required: true }, fit: { type: 'string', enum: ['narrow', 'regular', 'wide'] } },
  });
  expect(saved.status).toBe(201);
  const token = await userAccessToken(local.ciam.issuer, 'sam', 'openid profile email phone loyalty');
  const linked = await call('shoes', token, 'POST', '/v1/customers/link');
  expect(linked.status).toBe(200);

  const undeclared = await call('shoes', token, 'POST', '/v1/customers/register', {
    extendedFields: { city: 'Leeds', marketingOptIn: true }, customFields: { shoe_size: 'nine', colour: 'red' },
  });
  expect(undeclared).toMatchObject({ status: 400, body: { code: 'BODY_INVALID', problems: [
    'extendedFields.marketingOptIn: not declared for this brand',
    'customFields.shoe_size: must be a number',
    'customFields.colour: not declared for this brand',
  ] } });
  const withoutRequired = await call('shoes', token, 'POST', '/v1/customers/register', { extendedFields: { city: 'Leeds' } });
  expect(withoutRequired).toMatchObject({ status: 400, body: { code: 'BODY_INVALID', problems: ['customFields.shoe_size: required'] } });
  expect(((await call('shoes', token, 'GET', '/v1/me')).body.customer as { sourceProfiles: Record<string, unknown> }).sourceProfiles.INSTORE).toBeUndefined();

  const registered = await call('shoes', token, 'POST', '/v1/customers/register', { extendedFields: { city: 'Leeds' }, customFields: { shoe_size: 9.5, fit: 'wide' } });
  expect(registered).toEqual({ status: 200, body: {
    customerId: linked.body.customerId, changedFields: ['extendedFields.city', 'customFields.shoe_size', 'customFields.fit'],
  } });
  const me = await call('shoes', token, 'GET', '/v1/me');
  expect((me.body.customer as { sourceProfiles: Record<string, unknown> }).sourceProfiles.INSTORE).toEqual({
    extendedFields: { city: 'Leeds' }, customFields: { shoe_size: 9.5, fit: 'wide' },
  });
});

it('gives a brand without a declaration today’s fields, flat body included, and refuses an unsafe declaration', async () => {
  expect((await saveBrand('plain')).status).toBe(201);
  const token = await userAccessToken(local.ciam.issuer, 'pat', 'openid profile email phone loyalty');
  expect((await call('plain', token, 'POST', '/v1/customers/link')).status).toBe(200);
  expect(await call('plain', token, 'POST', '/v1/customers/register', { city: 'York', dateOfBirth: '1990-04-01' })).toMatchObject({
    status: 200, body: { changedFields: ['extendedFields.city', 'extendedFields.dateOfBirth'] },
  });
  expect(await call('plain', token, 'POST', '/v1/customers/register', { customFields: { shoe_size: 9 } })).toMatchObject({
    status: 400, body: { problems: ['customFields.shoe_size: not declared for this brand'] },
  });

  const unsafe = await saveBrand('unsafe', { customFields: { code: { type: 'string', pattern: '^(\\d+)+$' } } });
  expect(unsafe.status).toBe(400);
  expect(await unsafe.json()).toMatchObject({ code: 'BRAND_CONFIG_INVALID', problems: ['registrationFields.customFields.code.pattern: groups and alternation are not supported'] });
});
