import { createHash, randomBytes } from 'node:crypto';
import { DEMO_AUDIENCE, DEMO_CLIENT, DEMO_OPAQUE_AUDIENCE, DEMO_OPAQUE_CLIENT } from './demo-ciam';

/**
 * Gets tokens from the demo CIAM the way an app would, without a browser: authorization code + PKCE through
 * oidc-provider's dev login and consent pages (an access token, and an ID token when `openid` was asked for), or
 * client credentials.
 */
interface Discovery {
  readonly authorization_endpoint: string;
  readonly token_endpoint: string;
}

/** Each exchange with the demo CIAM is bounded: a port that accepts but never answers must not hang the caller. */
export const DEMO_CIAM_TIMEOUT_SECONDS = 10;
const timeout = () => AbortSignal.timeout(DEMO_CIAM_TIMEOUT_SECONDS * 1000);

/** An app of the demo CIAM and the API its access tokens are for: JWTs for the first, opaque tokens for the second. */
export interface DemoApp {
  readonly client: { readonly clientId: string; readonly clientSecret: string; readonly redirectUri: string };
  readonly resource: string;
}
export const DEMO_JWT_APP: DemoApp = { client: DEMO_CLIENT, resource: DEMO_AUDIENCE };
export const DEMO_OPAQUE_APP: DemoApp = { client: DEMO_OPAQUE_CLIENT, resource: DEMO_OPAQUE_AUDIENCE };

const basicAuth = ({ client }: DemoApp) => `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}`;

async function discover(issuer: string): Promise<Discovery> {
  const response = await fetch(`${issuer}/.well-known/openid-configuration`, { signal: timeout() });
  if (!response.ok) throw new Error(`discovery at ${issuer} answered ${response.status}`);
  return (await response.json()) as Discovery;
}

export interface UserTokens {
  readonly accessToken: string;
  /** Issued when the scope holds `openid`. */
  readonly idToken?: string;
}

async function requestTokens(app: DemoApp, endpoint: string, form: Record<string, string>): Promise<UserTokens> {
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basicAuth(app) },
    body: new URLSearchParams(form),
    signal: timeout(),
  });
  const body = (await response.json()) as { access_token?: string; id_token?: string; error?: string; error_description?: string };
  if (!body.access_token) throw new Error(`the demo CIAM refused: ${body.error ?? response.status} ${body.error_description ?? ''}`.trim());
  return { accessToken: body.access_token, ...(body.id_token === undefined ? {} : { idToken: body.id_token }) };
}

export async function clientCredentialsToken(issuer: string, scope: string, app: DemoApp = DEMO_JWT_APP): Promise<string> {
  const { token_endpoint } = await discover(issuer);
  return (await requestTokens(app, token_endpoint, { grant_type: 'client_credentials', scope, resource: app.resource })).accessToken;
}

/** Signs in as `login` (any name; any password works at the demo CIAM) and returns the access token. */
export async function userAccessToken(issuer: string, login: string, scope: string, app: DemoApp = DEMO_JWT_APP): Promise<string> {
  return (await userTokens(issuer, login, scope, app)).accessToken;
}

/** Signs in as `login` and returns the tokens of that one sign-in: the access token and, with `openid`, the ID token. */
export async function userTokens(issuer: string, login: string, scope: string, app: DemoApp = DEMO_JWT_APP): Promise<UserTokens> {
  const { client } = app;
  const discovery = await discover(issuer);
  const verifier = randomBytes(32).toString('base64url');
  const cookies = new Map<string, string>();
  const visit = async (url: string, form?: Record<string, string>): Promise<Response> => {
    const response = await fetch(url, {
      redirect: 'manual',
      signal: timeout(),
      method: form ? 'POST' : 'GET',
      headers: {
        cookie: [...cookies].map(([name, value]) => `${name}=${value}`).join('; '),
        ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      ...(form ? { body: new URLSearchParams(form) } : {}),
    });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair = ''] = cookie.split(';');
      const at = pair.indexOf('=');
      cookies.set(pair.slice(0, at), pair.slice(at + 1));
    }
    return response;
  };

  const authorize = new URL(discovery.authorization_endpoint);
  authorize.search = new URLSearchParams({
    client_id: client.clientId,
    response_type: 'code',
    redirect_uri: client.redirectUri,
    scope,
    state: randomBytes(8).toString('hex'),
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    resource: app.resource,
  }).toString();

  let response = await visit(authorize.href);
  for (let step = 0; step < 12; step += 1) {
    const location = response.headers.get('location');
    if (location) {
      const next = new URL(location, issuer);
      if (next.href.startsWith(client.redirectUri)) {
        const code = next.searchParams.get('code');
        if (!code) throw new Error(`login failed: ${next.searchParams.get('error_description') ?? next.searchParams.get('error')}`);
        return requestTokens(app, discovery.token_endpoint, {
          grant_type: 'authorization_code', code, redirect_uri: client.redirectUri, code_verifier: verifier, resource: app.resource,
        });
      }
      response = await visit(next.href);
      continue;
    }
    // A dev interaction page: the login form, then the consent form.
    const page = await response.text();
    const action = /<form[^>]*action="([^"]+)"/.exec(page)?.[1];
    if (!action) throw new Error(`unexpected page from the demo CIAM (status ${response.status})`);
    const form: Record<string, string> = page.includes('name="login"') ? { prompt: 'login', login, password: 'demo' } : { prompt: 'consent' };
    response = await visit(new URL(action, issuer).href, form);
  }
  throw new Error('login did not finish: too many steps');
}
