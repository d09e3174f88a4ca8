import { customerRouteDependencies, type CustomerRouteDependencies } from '../adapters/customer-runtime';
import { json, type ProxyHandler } from '../adapters/proxy-response';
import { proxyHandlerFromEnvironment, withErrorResponses } from '../adapters/with-error-responses';
import { logoutBodySchema, parseBody } from '../core/request-bodies';
import type { RevocationTarget } from '../core/revocation';

/**
 * `POST /v1/logout`: revokes the caller's session (`sid`) when the token has one, else every token of the subject
 * issued until now; `{"allSessions": true}` revokes the subject. Many CIAMs put no `sid` in access tokens, so for them
 * a session logout is a subject logout. The brand's `endSessionEndpoint`, when it has one, goes back to the app for its
 * front-channel sign-out. A client-credentials token is refused (its subject is the app: revoking it would log out
 * every user of the app), as on every customer route.
 */
export function createLogoutHandler(deps: Pick<CustomerRouteDependencies, 'callerOf' | 'revocations' | 'now' | 'observability'>): ProxyHandler {
  return withErrorResponses(async (event) => {
    const body = event.body ? parseBody(logoutBodySchema, event.body, event.isBase64Encoded) : {};
    const caller = await deps.callerOf(event);
    const brandId = caller.brand.brandId;
    const { sid } = caller.token;
    const target: RevocationTarget = sid === undefined || body.allSessions === true ? { kind: 'sub', brandId, sub: caller.cuid } : { kind: 'sid', brandId, sid };
    await deps.revocations.revoke({ target, revokedAt: Math.floor(deps.now() / 1000), source: 'logout' }, { requestId: caller.requestId, actor: caller.cuid });
    const { endSessionEndpoint } = caller.brand;
    return json(200, { revoked: target.kind === 'sub' ? 'subject' : 'session', ...(endSessionEndpoint === undefined ? {} : { endSessionUrl: endSessionEndpoint }) });
  }, deps.observability);
}

export const handler = proxyHandlerFromEnvironment('customer', (env) => createLogoutHandler(customerRouteDependencies(env)));
