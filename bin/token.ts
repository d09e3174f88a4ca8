/**
 * `npm run token -- [--brand demo|demo-opaque|demo-janrain|demo-nextreason|demo-auth0] [--user NAME] [--scope "..."]
 * [--client | --id-token]`: prints a fresh access token from local mode's demo CIAM (at 127.0.0.1:CIAM_PORT), a JWT for
 * `demo`, an opaque one for `demo-opaque`, or from its Janrain-, NextReason- or Auth0-shaped CIAM (opaque tokens) for the
 * brands the README onboards on them. By default it signs in as a demo user (authorization code + PKCE);
 * `--client` uses client credentials instead; `--id-token` prints the sign-in's ID token (the scope must hold
 * `openid`). Local mode (`npm start`) must be running. Any failure is one line on stderr and exit code 1.
 */
import { parseArgs } from 'node:util';
import { DEMO_SCOPES } from '../lib/local/demo-provider';
import { demoCiamIssuer, runDemoCiamScript } from '../lib/local/demo-ciam-script';
import { AUTH0_OPAQUE_APP, clientCredentialsToken, DEMO_JWT_APP, DEMO_OPAQUE_APP, JANRAIN_APP, NEXTREASON_APP, userTokens, type DemoApp } from '../lib/local/demo-login';
import { DEMO_AUTH0_BRAND_ID, DEMO_BRAND_ID, DEMO_JANRAIN_BRAND_ID, DEMO_NEXTREASON_BRAND_ID, DEMO_OPAQUE_BRAND_ID } from '../lib/local/local-brands';
import { vendorCiamUrls } from '../lib/local/vendor-ciams';

const ciam = demoCiamIssuer(process.env);
const vendors = vendorCiamUrls(ciam);

/** Each brand's app, and the issuer it signs in at: the demo CIAM's for the seeded brands, a vendor shape's for the others. */
const APPS: Readonly<Record<string, { readonly issuer: string; readonly app: DemoApp }>> = {
  [DEMO_BRAND_ID]: { issuer: ciam, app: DEMO_JWT_APP },
  [DEMO_OPAQUE_BRAND_ID]: { issuer: ciam, app: DEMO_OPAQUE_APP },
  [DEMO_JANRAIN_BRAND_ID]: { issuer: vendors.janrain.issuer, app: JANRAIN_APP },
  [DEMO_NEXTREASON_BRAND_ID]: { issuer: vendors.nextreason.baseUrl, app: NEXTREASON_APP },
  [DEMO_AUTH0_BRAND_ID]: { issuer: vendors.auth0.issuer, app: AUTH0_OPAQUE_APP },
};

runDemoCiamScript('token', ciam, async (print) => {
  const { values } = parseArgs({
    options: {
      user: { type: 'string', default: 'demo' },
      scope: { type: 'string', default: DEMO_SCOPES.join(' ') },
      client: { type: 'boolean', default: false },
      'id-token': { type: 'boolean', default: false },
      brand: { type: 'string', default: DEMO_BRAND_ID },
    },
  });
  const scope = values.scope ?? '';
  const brand = values.brand ?? DEMO_BRAND_ID;
  const signIn = Object.hasOwn(APPS, brand) ? APPS[brand] : undefined;
  if (!signIn) throw new Error(`--brand must be one of ${Object.keys(APPS).join(', ')}`);
  const { issuer, app } = signIn;
  if (values.client) return print(await clientCredentialsToken(issuer, scope, app));
  const tokens = await userTokens(issuer, values.user ?? 'demo', scope, app);
  if (!values['id-token']) return print(tokens.accessToken);
  if (tokens.idToken === undefined) throw new Error('no ID token: the scope must hold openid');
  print(tokens.idToken);
});
