import { exportJWK, generateKeyPair, type JWK } from 'jose';
import type Provider from 'oidc-provider';
import type { ClientMetadata, Configuration } from 'oidc-provider';

/**
 * The one OpenID provider setup of local mode's CIAMs (oidc-provider): the demo CIAM and the vendor-shaped ones differ
 * only in what `DemoProviderLayout` says (where they live, their clients, their routes, what their access tokens are).
 * Each has the same users (any login name, any password, at oidc-provider's dev login and consent pages), the same
 * scopes and claims, authorization code + PKCE and client credentials, and revocation of a client's own tokens.
 */
export const DEMO_SCOPES = ['openid', 'profile', 'email', 'phone', 'loyalty'] as const;

export const OIDC_CLAIMS = {
  openid: ['sub'],
  profile: ['given_name', 'family_name', 'name'],
  email: ['email', 'email_verified'],
  phone: ['phone_number', 'phone_number_verified'],
};

/** Where every app of local mode's CIAMs says it gets its code: nothing listens there, the scripts read the redirect. */
export const DEMO_REDIRECT_URI = 'http://127.0.0.1/callback';

/** An app's client at a CIAM of local mode. */
export interface DemoAppClient {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly redirectUri: string;
}

export type SigningKey = JWK & { kid: string };

export async function newSigningKey(): Promise<{ privateJwk: SigningKey; publicJwk: SigningKey }> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = `demo-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
  const meta = { kid, alg: 'RS256', use: 'sig' };
  return { privateJwk: { ...(await exportJWK(privateKey)), ...meta }, publicJwk: { ...(await exportJWK(publicKey)), ...meta } };
}

export interface DemoProviderLayout {
  readonly issuer: string;
  /** Private signing keys, the one to sign with first. */
  readonly keys: readonly JWK[];
  /** The apps' clients: authorization code + PKCE and client credentials. */
  readonly apps: readonly DemoAppClient[];
  /** The gateway's own client there, the only one that may introspect (RFC 7662). None: the provider has no introspection (Auth0). */
  readonly introspectionClient?: { readonly clientId: string; readonly clientSecret: string };
  /** A user's claims, by login name. */
  readonly claimsOf: (login: string) => Record<string, unknown>;
  /** Changes to the apps' client metadata (the demo app's back-channel logout URI). */
  readonly appMetadata?: (app: DemoAppClient) => Partial<ClientMetadata>;
  /**
   * What else the provider does, over the common setup: its routes, resource servers, hooks. `features` are merged
   * one by one. Without `resourceIndicators`, every access token is opaque and for the userinfo endpoint.
   */
  readonly configuration?: Omit<Configuration, 'features'> & { readonly features?: DemoProviderFeatures };
}

type Features = NonNullable<Configuration['features']>;
/** The features a layout adds; the others are the common setup's. */
interface DemoProviderFeatures {
  readonly backchannelLogout?: Features['backchannelLogout'];
  readonly resourceIndicators?: Features['resourceIndicators'];
}

export function buildDemoProvider(OidcProvider: typeof Provider, layout: DemoProviderLayout): Provider {
  const { features, ...configuration } = layout.configuration ?? {};
  const introspectionClientId = layout.introspectionClient?.clientId;
  const introspection = introspectionClientId === undefined
    ? { enabled: false as const }
    : { enabled: true as const, allowedPolicy: (_ctx: unknown, client: { clientId: string }) => client.clientId === introspectionClientId };
  return new OidcProvider(layout.issuer, {
    clients: [
      ...layout.apps.map((app): ClientMetadata => ({
        client_id: app.clientId,
        client_secret: app.clientSecret,
        grant_types: ['authorization_code', 'client_credentials'],
        redirect_uris: [app.redirectUri],
        response_types: ['code'],
        ...layout.appMetadata?.(app),
      })),
      // A resource server's client: no grant of its own, it only asks about tokens.
      ...(layout.introspectionClient
        ? [{ client_id: layout.introspectionClient.clientId, client_secret: layout.introspectionClient.clientSecret, grant_types: [], redirect_uris: [], response_types: [] }]
        : []),
    ],
    jwks: { keys: [...layout.keys] },
    scopes: [...DEMO_SCOPES],
    claims: OIDC_CLAIMS,
    findAccount: (_ctx, accountId) => ({ accountId, claims: () => layout.claimsOf(accountId) as { sub: string } }),
    pkce: { required: () => true },
    ttl: { AccessToken: 900, AuthorizationCode: 60, ClientCredentials: 900, Grant: 3600, IdToken: 900, Interaction: 600, Session: 3600 },
    ...configuration,
    features: {
      devInteractions: { enabled: true },
      clientCredentials: { enabled: true },
      // A client revokes its own tokens only (oidc-provider's default also lets a confidential client try others').
      revocation: { enabled: true, allowedPolicy: (_ctx, client, token) => token.clientId === client.clientId },
      // Only the gateway's client may ask, about any token: an app must not learn about another app's tokens.
      introspection,
      ...features,
    },
  });
}
