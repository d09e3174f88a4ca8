/**
 * `npm run token -- [--brand demo|demo-opaque] [--user NAME] [--scope "..."] [--client | --id-token]`: prints a fresh
 * access token from local mode's demo CIAM (at 127.0.0.1:CIAM_PORT), a JWT for `demo`, an opaque one for `demo-opaque`. By default it signs in as a demo user (authorization code + PKCE);
 * `--client` uses client credentials instead; `--id-token` prints the sign-in's ID token (the scope must hold
 * `openid`). Local mode (`npm start`) must be running. Any failure is one line on stderr and exit code 1.
 */
import { parseArgs } from 'node:util';
import { DEMO_SCOPES } from '../lib/local/demo-ciam';
import { demoCiamIssuer, runDemoCiamScript } from '../lib/local/demo-ciam-script';
import { clientCredentialsToken, DEMO_JWT_APP, DEMO_OPAQUE_APP, userTokens, type DemoApp } from '../lib/local/demo-login';
import { DEMO_BRAND_ID, DEMO_OPAQUE_BRAND_ID } from '../lib/local/local-brands';

/** Each seeded brand's app at the demo CIAM: JWT access tokens for `demo`, opaque ones for `demo-opaque`. */
const APPS: Readonly<Record<string, DemoApp>> = { [DEMO_BRAND_ID]: DEMO_JWT_APP, [DEMO_OPAQUE_BRAND_ID]: DEMO_OPAQUE_APP };

const issuer = demoCiamIssuer(process.env);

runDemoCiamScript('token', issuer, async (print) => {
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
  const app = Object.hasOwn(APPS, brand) ? APPS[brand] : undefined;
  if (!app) throw new Error(`--brand must be one of ${Object.keys(APPS).join(', ')}`);
  if (values.client) return print(await clientCredentialsToken(issuer, scope, app));
  const tokens = await userTokens(issuer, values.user ?? 'demo', scope, app);
  if (!values['id-token']) return print(tokens.accessToken);
  if (tokens.idToken === undefined) throw new Error('no ID token: the scope must hold openid');
  print(tokens.idToken);
});
