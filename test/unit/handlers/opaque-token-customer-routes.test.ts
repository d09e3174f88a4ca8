import { createLinkCustomerHandler } from '../../../lambdas/handlers/link-customer';
import { NOW } from '../fixtures';
import { proxyEvent, bodyOf } from '../../support/handler-fakes';
import { customerRoute, CUID } from './customer-route-fakes';

const OPAQUE_BRAND = {
  tokenFormat: 'opaque',
  introspection: { endpoint: 'https://login.brand-a.example/introspect', clientId: 'gateway', clientSecretRef: 'ciam-gateway/prod/brands/brand-a/introspection' },
};
const TOKEN = 'opaque-access-token-0123456789abcdef';

/** A request the authorizer allowed for an opaque token: its claims come only from the context. */
const opaqueLink = (context: Record<string, string> = {}) =>
  proxyEvent({
    method: 'POST',
    resource: '/v1/customers/link',
    headers: { Authorization: `Bearer ${TOKEN}`, 'X-Brand-Id': 'brand-a' },
    authorizer: { principalId: `brand-a|${CUID}`, brandId: 'brand-a', sub: CUID, principalType: 'customer', scopes: 'openid', validUntil: String(NOW + 300), iat: String(NOW - 60), ...context },
  });

describe('customer routes with an opaque token', () => {
  it('link the customer from the context\'s sub, the profile from userinfo called with the opaque token', async () => {
    const { deps, state } = customerRoute({ brand: OPAQUE_BRAND });
    const response = await createLinkCustomerHandler(deps)(opaqueLink());
    expect(response.statusCode).toBe(200);
    expect(bodyOf(response)).toMatchObject({ created: true, linkedBy: 'new' });
    expect(state.userinfoCalls).toBe(1);
  });

  it('refuse it when the context\'s session was revoked since the decision', async () => {
    const { deps, revocations } = customerRoute({ brand: OPAQUE_BRAND });
    await revocations.revoke({ target: { kind: 'sid', brandId: 'brand-a', sid: 'sess-1' }, revokedAt: NOW, source: 'logout' }, { requestId: 'r', actor: CUID });
    const response = await createLinkCustomerHandler(deps)(opaqueLink({ sid: 'sess-1' }));
    expect(response.statusCode).toBe(401);
    expect(bodyOf(response)).toMatchObject({ code: 'TOKEN_REVOKED' });
  });

  it('refuse a non-JWT token for a JWT brand as malformed', async () => {
    const { deps } = customerRoute();
    const response = await createLinkCustomerHandler(deps)(opaqueLink());
    expect(response.statusCode).toBe(401);
    expect(bodyOf(response)).toMatchObject({ code: 'TOKEN_MALFORMED' });
  });
});
