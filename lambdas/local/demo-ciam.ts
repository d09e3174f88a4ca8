import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair } from 'jose';

/**
 * The demo CIAM of local mode: a real OpenID provider (oidc-provider) on 127.0.0.1 with discovery, JWKS,
 * userinfo and the client-credentials grant. Its access tokens are RS256 JWTs (`typ: at+jwt`) for the
 * `loyalty-api` audience.
 */
export const DEMO_CLIENT = { clientId: 'demo-client', clientSecret: 'demo-secret' } as const;
/** oidc-provider wants resource indicators (RFC 8707) to be absolute URIs. */
export const DEMO_AUDIENCE = 'https://loyalty.example/api';
export const DEMO_SCOPES = ['openid', 'profile', 'email', 'phone', 'loyalty'] as const;

export interface DemoCiam {
  readonly issuer: string;
  readonly jwksUri: string;
  readonly userinfoEndpoint: string;
  readonly tokenEndpoint: string;
  close(): Promise<void>;
}

export async function startDemoCiam(port: number): Promise<DemoCiam> {
  const { default: Provider } = await import('oidc-provider');
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const signingKey = { ...(await exportJWK(privateKey)), kid: 'demo-rs256-1', alg: 'RS256', use: 'sig' };
  // The issuer names the port, so the socket is bound first (port 0 picks a free one) and the provider built after.
  let callback: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => void res.writeHead(503).end();
  const server: Server = createServer((req, res) => callback(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const provider = new Provider(issuer, {
    clients: [{
      client_id: DEMO_CLIENT.clientId,
      client_secret: DEMO_CLIENT.clientSecret,
      grant_types: ['client_credentials'],
      redirect_uris: [],
      response_types: [],
    }],
    jwks: { keys: [signingKey] },
    scopes: [...DEMO_SCOPES],
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => DEMO_AUDIENCE,
        useGrantedResource: () => true,
        getResourceServerInfo: () => ({
          scope: DEMO_SCOPES.join(' '),
          audience: DEMO_AUDIENCE,
          accessTokenFormat: 'jwt',
          accessTokenTTL: 900,
          jwt: { sign: { alg: 'RS256' } },
        }),
      },
    },
  });
  callback = provider.callback();
  return {
    issuer,
    jwksUri: `${issuer}/jwks`,
    userinfoEndpoint: `${issuer}/me`,
    tokenEndpoint: `${issuer}/token`,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
