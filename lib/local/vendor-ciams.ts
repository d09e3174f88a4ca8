import type { IncomingMessage, ServerResponse } from 'node:http';
import type Provider from 'oidc-provider';
import { buildDemoProvider, DEMO_REDIRECT_URI, DEMO_SCOPES, newSigningKey, type DemoProviderLayout } from './demo-provider';

/**
 * CIAMs laid out as vendors lay themselves out, so that a brand on each vendor's shape can be onboarded with the
 * vendor's preset (its `endpoint` or `baseUrl` pointing here) and used in local mode. They run on the demo CIAM's
 * server, each under a path of its own: one port for every CIAM of local mode, so CIAM_PORT is all that `npm run
 * token` needs and the README's URLs are right for each of them. Each is an oidc-provider from the demo CIAM's builder,
 * with the demo users, and issues opaque access tokens when no resource (Auth0: audience) is asked for, as their apps
 * (below) ask.
 */

/** Akamai Identity Cloud Hosted Login: `<base>/<customerId>/login` is the issuer, introspection and userinfo as documented. */
export const JANRAIN_SHAPE = {
  path: '/janrain',
  customerId: '3f1e8b2a-6c4d-4f5e-9a7b-1c2d3e4f5a6b',
  app: { clientId: 'demo-janrain-client', clientSecret: 'demo-janrain-secret', redirectUri: DEMO_REDIRECT_URI },
  introspectionClient: { clientId: 'ciam-gateway', clientSecret: 'janrain-introspection-secret' },
} as const;

/** NextReason: a tenant URL `<base>/tenants/<name>`, discovery and introspection (`/introspect`) under it. */
export const NEXTREASON_SHAPE = {
  path: '/nextreason',
  tenant: 'demo',
  app: { clientId: 'demo-nextreason-client', clientSecret: 'demo-nextreason-secret', redirectUri: DEMO_REDIRECT_URI },
  introspectionClient: { clientId: 'ciam-gateway', clientSecret: 'nextreason-introspection-secret' },
} as const;

/** Auth0: a tenant at the root of its domain, issuer `<base>/`, no introspection; JWTs only for an API's audience. */
export const AUTH0_SHAPE = {
  path: '/auth0',
  apiAudience: 'https://loyalty.example/auth0-api',
  app: { clientId: 'demo-auth0-client', clientSecret: 'demo-auth0-secret', redirectUri: DEMO_REDIRECT_URI },
} as const;

export interface VendorCiamUrls {
  readonly janrain: {
    /** What the janrain preset's `endpoint` input takes, in place of `https://v1.api.<region>.janrain.com`. */
    readonly endpoint: string;
    readonly customerId: string;
    readonly issuer: string;
    readonly userinfoEndpoint: string;
    readonly introspectionEndpoint: string;
    readonly revocationEndpoint: string;
  };
  readonly nextreason: {
    /** The tenant URL, what the nextreason preset's `baseUrl` takes; also the issuer. */
    readonly baseUrl: string;
    readonly introspectionEndpoint: string;
    readonly revocationEndpoint: string;
  };
  readonly auth0: {
    /** What the auth0 preset's `endpoint` input takes, in place of `https://<domain>`. */
    readonly endpoint: string;
    readonly issuer: string;
    readonly userinfoEndpoint: string;
    readonly revocationEndpoint: string;
  };
}

/** Where each vendor-shaped CIAM is, given the demo CIAM's URL (`http://127.0.0.1:<CIAM_PORT>`). */
export function vendorCiamUrls(ciamUrl: string): VendorCiamUrls {
  const janrainApi = `${ciamUrl}${JANRAIN_SHAPE.path}/${JANRAIN_SHAPE.customerId}`;
  const nextreasonTenant = `${ciamUrl}${NEXTREASON_SHAPE.path}/tenants/${NEXTREASON_SHAPE.tenant}`;
  const auth0 = `${ciamUrl}${AUTH0_SHAPE.path}`;
  return {
    janrain: {
      endpoint: `${ciamUrl}${JANRAIN_SHAPE.path}`,
      customerId: JANRAIN_SHAPE.customerId,
      issuer: `${janrainApi}/login`,
      userinfoEndpoint: `${janrainApi}/profiles/oidc/userinfo`,
      introspectionEndpoint: `${janrainApi}/login/token/introspect`,
      revocationEndpoint: `${janrainApi}/login/token/revocation`,
    },
    nextreason: { baseUrl: nextreasonTenant, introspectionEndpoint: `${nextreasonTenant}/introspect`, revocationEndpoint: `${nextreasonTenant}/token/revocation` },
    auth0: { endpoint: auth0, issuer: `${auth0}/`, userinfoEndpoint: `${auth0}/userinfo`, revocationEndpoint: `${auth0}/oauth/revoke` },
  };
}

export interface VendorCiams {
  /** Answers a request for one of the vendor-shaped CIAMs; false when the request is for none of them (or they have not started). */
  serve(req: IncomingMessage, res: ServerResponse): boolean;
  /** Builds the CIAMs under the demo CIAM's URL, known once its port is bound. */
  start(OidcProvider: typeof Provider, ciamUrl: string, claimsOf: DemoProviderLayout['claimsOf']): Promise<VendorCiamUrls>;
}

/** One provider under a path of the demo CIAM's server, and paths outside it that it answers too (Janrain's userinfo). */
interface Mount {
  readonly prefix: string;
  readonly provider: Provider;
  /** Full path to the provider's own path. */
  readonly aliases?: Readonly<Record<string, string>>;
}

/** The vendor-shaped CIAMs of a demo CIAM's server, which serves them from the start and builds them once it has its URL. */
export function createVendorCiams(): VendorCiams {
  let mounts: readonly Mount[] = [];
  return {
    serve: (req, res) => {
      const url = req.url ?? '/';
      const path = url.split('?', 1)[0] as string;
      for (const { prefix, provider, aliases } of mounts) {
        const alias = aliases?.[path];
        const own = alias ?? (path === prefix || path.startsWith(`${prefix}/`) ? url.slice(prefix.length) || '/' : undefined);
        if (own === undefined) continue;
        // As Express mounts it: oidc-provider finds its mount path from originalUrl minus url, and builds its URLs on it.
        Object.assign(req, { originalUrl: `${prefix}${own}`, url: own, baseUrl: prefix });
        provider.callback()(req, res);
        return true;
      }
      return false;
    },
    start: async (OidcProvider, ciamUrl, claimsOf) => {
      const urls = vendorCiamUrls(ciamUrl);
      mounts = await buildMounts(OidcProvider, urls, claimsOf);
      return urls;
    },
  };
}

async function buildMounts(OidcProvider: typeof Provider, urls: VendorCiamUrls, claimsOf: DemoProviderLayout['claimsOf']): Promise<Mount[]> {
  const { errors } = await import('oidc-provider');
  const build = async (name: string, layout: Omit<DemoProviderLayout, 'keys' | 'claimsOf'>): Promise<Provider> =>
    buildDemoProvider(OidcProvider, {
      ...layout,
      keys: [(await newSigningKey()).privateJwk],
      claimsOf,
      configuration: {
        ...layout.configuration,
        // The CIAMs share an origin: cookies of their own keep a sign-in at one from meeting another's session.
        cookies: { names: { session: `_${name}_session`, interaction: `_${name}_interaction`, resume: `_${name}_interaction_resume` } },
      },
    });

  const janrain = await build('janrain', {
    issuer: urls.janrain.issuer,
    apps: [JANRAIN_SHAPE.app],
    introspectionClient: JANRAIN_SHAPE.introspectionClient,
    configuration: { routes: { introspection: '/token/introspect' } },
  });
  const nextreason = await build('nextreason', {
    issuer: urls.nextreason.baseUrl,
    apps: [NEXTREASON_SHAPE.app],
    introspectionClient: NEXTREASON_SHAPE.introspectionClient,
    configuration: { routes: { introspection: '/introspect' } },
  });
  const auth0 = await build('auth0', {
    issuer: urls.auth0.issuer,
    apps: [AUTH0_SHAPE.app],
    configuration: {
      routes: { authorization: '/authorize', token: '/oauth/token', userinfo: '/userinfo', jwks: '/.well-known/jwks.json', revocation: '/oauth/revoke' },
      features: {
        // Asked for its API's audience, Auth0 issues a JWT; asked for none, an opaque token only /userinfo knows.
        resourceIndicators: {
          enabled: true,
          defaultResource: () => undefined,
          useGrantedResource: () => true,
          getResourceServerInfo: (_ctx, resource) => {
            if (resource !== AUTH0_SHAPE.apiAudience) throw new errors.InvalidTarget();
            return { scope: DEMO_SCOPES.join(' '), audience: AUTH0_SHAPE.apiAudience, accessTokenFormat: 'jwt', accessTokenTTL: 900, jwt: { sign: { alg: 'RS256' } } };
          },
        },
      },
    },
  });

  return [
    // Hosted Login's userinfo is beside the issuer's path, not under it: it is oidc-provider's own (`/me`) there.
    { prefix: pathOf(urls.janrain.issuer), provider: janrain, aliases: { [pathOf(urls.janrain.userinfoEndpoint)]: '/me' } },
    { prefix: pathOf(urls.nextreason.baseUrl), provider: nextreason },
    { prefix: pathOf(urls.auth0.issuer), provider: auth0 },
  ];
}

/** The path of a URL without its trailing slash: where a provider is mounted. */
const pathOf = (url: string): string => new URL(url).pathname.replace(/\/+$/, '');
