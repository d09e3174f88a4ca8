import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLocalJWKSet, exportJWK, generateKeyPair, jwtVerify, type JWK } from 'jose';
import type Provider from 'oidc-provider';
import { DemoSessions, type EndedSessions } from './demo-sessions';

/**
 * The demo CIAM of local mode: a real OpenID provider (oidc-provider) on 127.0.0.1 with discovery, JWKS,
 * userinfo, authorization code + PKCE (oidc-provider's dev login and consent pages, where any password
 * works) and client credentials. Access tokens are RS256 JWTs (`typ: at+jwt`) for the `DEMO_AUDIENCE` API, and
 * opaque for the second client's `DEMO_OPAQUE_AUDIENCE` API, which the gateway's client introspects (RFC 7662).
 * Given a back-channel logout URI, the demo client registers it: a logout at the demo CIAM then calls it with a logout
 * token, and the client's access tokens carry the session's `sid` (as its ID tokens and logout tokens do).
 */
export const DEMO_CLIENT = { clientId: 'demo-client', clientSecret: 'demo-secret', redirectUri: 'http://127.0.0.1/callback' } as const;
/** oidc-provider wants resource indicators (RFC 8707) to be absolute URIs. */
export const DEMO_AUDIENCE = 'https://loyalty.example/api';
/**
 * The second client, an app of the `demo-opaque` brand, whose access tokens for `DEMO_OPAQUE_AUDIENCE` are opaque
 * (oidc-provider's resource-server `accessTokenFormat: 'opaque'`): only the CIAM can say what they mean.
 */
export const DEMO_OPAQUE_CLIENT = { clientId: 'demo-opaque-client', clientSecret: 'demo-opaque-secret', redirectUri: DEMO_CLIENT.redirectUri } as const;
export const DEMO_OPAQUE_AUDIENCE = 'https://loyalty.example/opaque-api';
/** The gateway's own client at the demo CIAM: it only introspects (RFC 7662), with client_secret_basic. */
export const DEMO_INTROSPECTION_CLIENT = { clientId: 'ciam-gateway', clientSecret: 'gateway-introspection-secret' } as const;
export const DEMO_SCOPES = ['openid', 'profile', 'email', 'phone', 'loyalty'] as const;

export interface DemoCiamOptions {
  /** The demo client's OpenID Connect back-channel logout URI (`backchannel_logout_session_required`). @default none */
  readonly backchannelLogoutUri?: string;
}

/** The login names the demo account API takes. */
export const DEMO_LOGIN_PATTERN = /^[a-z0-9._-]{1,64}$/;

export interface DemoCiam {
  readonly issuer: string;
  readonly jwksUri: string;
  readonly userinfoEndpoint: string;
  /** RFC 7662 introspection, for `DEMO_INTROSPECTION_CLIENT`. */
  readonly introspectionEndpoint: string;
  /** Publishes a new signing key first in the JWKS and signs with it from now on (the old key stays listed). */
  rotateSigningKey(): Promise<void>;
  /** While false, the JWKS endpoint answers 503, as an IdP outage would. */
  setJwksAvailable(available: boolean): void;
  /** JWKS requests served so far, to show how often a relying party fetches. */
  jwksRequests(): number;
  close(): Promise<void>;
}

/** Claims of a demo user before any change, derived from the login name so that any name works. */
export function demoUserClaims(login: string): Record<string, unknown> {
  const name = login.charAt(0).toUpperCase() + login.slice(1);
  // A valid UK mobile number (libphonenumber refuses Ofcom's drama range 07700 900xxx as invalid).
  const suffix = [...login].reduce((sum, c) => (sum * 31 + c.charCodeAt(0)) % 100_000, 7);
  return {
    sub: login,
    given_name: name,
    family_name: 'Demo',
    name: `${name} Demo`,
    email: `${login}@demo.example`,
    email_verified: true,
    phone_number: `+4474001${String(suffix).padStart(5, '0')}`,
    phone_number_verified: true,
  };
}

/** What `PUT /demo/users/<login>` may change: step one of an identifier change happens at the CIAM. */
const EDITABLE_CLAIMS = new Set(['given_name', 'family_name', 'email', 'email_verified', 'phone_number', 'phone_number_verified']);

const OIDC_CLAIMS = {
  openid: ['sub'],
  profile: ['given_name', 'family_name', 'name'],
  email: ['email', 'email_verified'],
  phone: ['phone_number', 'phone_number_verified'],
};

type SigningKey = JWK & { kid: string };

async function newSigningKey(): Promise<{ privateJwk: SigningKey; publicJwk: SigningKey }> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = `demo-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
  const meta = { kid, alg: 'RS256', use: 'sig' };
  return { privateJwk: { ...(await exportJWK(privateKey)), ...meta }, publicJwk: { ...(await exportJWK(publicKey)), ...meta } };
}

export async function startDemoCiam(port: number, options: DemoCiamOptions = {}): Promise<DemoCiam> {
  const { default: OidcProvider } = await import('oidc-provider');
  // The issuer names the port, so the socket is bound first (port 0 picks a free one) and the provider built after.
  let provider: Provider | undefined;
  let jwksAvailable = true;
  let jwksRequests = 0;
  const changedClaims = new Map<string, Record<string, unknown>>();
  const claimsOf = (login: string) => ({ ...demoUserClaims(login), ...changedClaims.get(login) });
  const keys: { privateJwk: SigningKey; publicJwk: SigningKey }[] = [await newSigningKey()];
  const sessions = new DemoSessions();

  const server = createServer((req, res) => {
    if (req.url?.startsWith('/jwks')) {
      jwksRequests += 1;
      if (!jwksAvailable) return void res.writeHead(503).end('down');
    }
    if (req.url === '/userinfo') return void userinfo(req, res);
    const [, user, action] = /^\/demo\/users\/([^/]+)(\/logout)?$/.exec(req.url ?? '') ?? [];
    if (user && DEMO_LOGIN_PATTERN.test(user)) {
      if (!action && req.method === 'PUT') return void updateUser(user, req, res);
      if (action && req.method === 'POST') return void logout(user, res);
    }
    if (!provider) return void res.writeHead(503).end();
    provider.callback()(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const build = (): Provider => {
    const built = new OidcProvider(issuer, {
      clients: [{
        client_id: DEMO_CLIENT.clientId,
        client_secret: DEMO_CLIENT.clientSecret,
        grant_types: ['authorization_code', 'client_credentials'],
        redirect_uris: [DEMO_CLIENT.redirectUri],
        response_types: ['code'],
        // With a back-channel URI and a required session, oidc-provider puts the session's `sid` in the authorization
        // code, the ID token and the logout token (Client#includeSid), and so in the access token's `sid` (below).
        ...(options.backchannelLogoutUri ? { backchannel_logout_uri: options.backchannelLogoutUri, backchannel_logout_session_required: true } : {}),
      }, {
        client_id: DEMO_OPAQUE_CLIENT.clientId,
        client_secret: DEMO_OPAQUE_CLIENT.clientSecret,
        grant_types: ['authorization_code', 'client_credentials'],
        redirect_uris: [DEMO_OPAQUE_CLIENT.redirectUri],
        response_types: ['code'],
      }, {
        // A resource server's client: no grant of its own, it only asks about tokens.
        client_id: DEMO_INTROSPECTION_CLIENT.clientId,
        client_secret: DEMO_INTROSPECTION_CLIENT.clientSecret,
        grant_types: [],
        redirect_uris: [],
        response_types: [],
      }],
      jwks: { keys: keys.map((k) => k.privateJwk) },
      scopes: [...DEMO_SCOPES],
      claims: OIDC_CLAIMS,
      findAccount: (_ctx, accountId) => ({ accountId, claims: () => claimsOf(accountId) as { sub: string } }),
      pkce: { required: () => true },
      // oidc-provider leaves `sid` out of JWT access tokens; a client-credentials token has none.
      extraTokenClaims: (_ctx, token) => ('sid' in token && token.sid ? { sid: token.sid } : undefined),
      fetch: sessions.fetch,
      ttl: { AccessToken: 900, AuthorizationCode: 60, ClientCredentials: 900, Grant: 3600, IdToken: 900, Interaction: 600, Session: 3600 },
      features: {
        devInteractions: { enabled: true },
        clientCredentials: { enabled: true },
        backchannelLogout: { enabled: true },
        // A client revokes its own tokens only (oidc-provider's default also lets a confidential client try others').
        revocation: { enabled: true, allowedPolicy: (_ctx, client, token) => token.clientId === client.clientId },
        // Only the gateway's client may ask, about any token: an app must not learn about another app's tokens.
        introspection: { enabled: true, allowedPolicy: (_ctx, client) => client.clientId === DEMO_INTROSPECTION_CLIENT.clientId },
        resourceIndicators: {
          enabled: true,
          defaultResource: (_ctx, client) => (client?.clientId === DEMO_OPAQUE_CLIENT.clientId ? DEMO_OPAQUE_AUDIENCE : DEMO_AUDIENCE),
          useGrantedResource: () => true,
          getResourceServerInfo: (_ctx, resource) =>
            resource === DEMO_OPAQUE_AUDIENCE
              ? { scope: DEMO_SCOPES.join(' '), audience: DEMO_OPAQUE_AUDIENCE, accessTokenFormat: 'opaque', accessTokenTTL: 900 }
              : { scope: DEMO_SCOPES.join(' '), audience: DEMO_AUDIENCE, accessTokenFormat: 'jwt', accessTokenTTL: 900, jwt: { sign: { alg: 'RS256' } } },
        },
      },
    });
    sessions.follow(built);
    return built;
  };
  provider = build();

  /**
   * oidc-provider's own userinfo endpoint refuses access tokens bound to another resource, but a CIAM such as
   * Auth0 accepts its API access tokens there. This endpoint does what those do: it takes the JWT access
   * token, verifies it against the demo keys, and returns the user's claims for the token's scopes.
   */
  async function userinfo(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const token = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
    try {
      if (!token) throw new Error('no bearer token');
      const { sub, scope } = token.includes('.') ? (await jwtVerify(token, createLocalJWKSet({ keys: keys.map((k) => k.publicJwk) }), { issuer, audience: DEMO_AUDIENCE })).payload : await opaqueTokenGrant(token);
      const scopes = new Set(String(scope ?? '').split(' '));
      if (!scopes.has('openid') || typeof sub !== 'string') throw new Error('openid scope required');
      const claims = claimsOf(sub);
      const allowed = Object.entries(OIDC_CLAIMS).filter(([scope]) => scopes.has(scope)).flatMap(([, names]) => names);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(Object.fromEntries(allowed.map((n) => [n, claims[n]]))));
    } catch {
      res.writeHead(401, { 'www-authenticate': 'Bearer error="invalid_token"', 'content-type': 'application/json' }).end('{"error":"invalid_token"}');
    }
  }

  /** An opaque access token of the demo CIAM's own store, still valid (not expired, not revoked): its user and scope. */
  async function opaqueTokenGrant(token: string): Promise<{ sub?: string; scope?: string }> {
    const found = await provider?.AccessToken.find(token);
    if (!found?.isValid || ![found.aud].flat().includes(DEMO_OPAQUE_AUDIENCE)) throw new Error('not a valid opaque access token');
    return { sub: found.accountId, scope: found.scope };
  }

  /** A demo-only account API (no auth: local mode only) to change a user's claims, as the user would at the CIAM. */
  async function updateUser(login: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    let changes: unknown;
    try {
      let body = '';
      for await (const chunk of req) body += String(chunk);
      changes = JSON.parse(body);
    } catch {
      changes = undefined;
    }
    const entries = typeof changes === 'object' && changes !== null ? Object.entries(changes) : [];
    if (entries.length === 0 || !entries.every(([name, value]) => EDITABLE_CLAIMS.has(name) && ['string', 'boolean'].includes(typeof value))) {
      return void res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'invalid_request', editable: [...EDITABLE_CLAIMS] }));
    }
    changedClaims.set(login, { ...changedClaims.get(login), ...Object.fromEntries(entries) });
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(claimsOf(login)));
  }

  /**
   * A demo-only endpoint of the account API (no auth: local mode only) that ends every session of the user, as a
   * logout at the CIAM (or support staff) would: 200 with what happened, or 404 when the user has no session.
   */
  async function logout(login: string, res: ServerResponse): Promise<void> {
    let ended: EndedSessions | undefined;
    try {
      ended = provider && (await sessions.end(provider, login));
    } catch (err) {
      return void res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'server_error', message: String(err) }));
    }
    if (!ended) return void res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'no_session', user: login }));
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(ended));
  }

  return {
    issuer,
    jwksUri: `${issuer}/jwks`,
    userinfoEndpoint: `${issuer}/userinfo`,
    introspectionEndpoint: `${issuer}/token/introspection`,
    rotateSigningKey: async () => {
      keys.unshift(await newSigningKey());
      provider = build();
    },
    setJwksAvailable: (available) => {
      jwksAvailable = available;
    },
    jwksRequests: () => jwksRequests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
