/**
 * `npm run token -- [--user NAME] [--scope "..."] [--client | --id-token]`: prints a fresh access token from local
 * mode's demo CIAM (at 127.0.0.1:CIAM_PORT). By default it signs in as a demo user (authorization code + PKCE);
 * `--client` uses client credentials instead; `--id-token` prints the sign-in's ID token (the scope must hold
 * `openid`). Local mode (`npm start`) must be running. Any failure is one line on stderr and exit code 1.
 */
import { parseArgs } from 'node:util';
import { DEMO_SCOPES } from '../lib/local/demo-ciam';
import { demoCiamIssuer, runDemoCiamScript } from '../lib/local/demo-ciam-script';
import { clientCredentialsToken, userTokens } from '../lib/local/demo-login';

const issuer = demoCiamIssuer(process.env);

runDemoCiamScript('token', issuer, async (print) => {
  const { values } = parseArgs({
    options: {
      user: { type: 'string', default: 'demo' },
      scope: { type: 'string', default: DEMO_SCOPES.join(' ') },
      client: { type: 'boolean', default: false },
      'id-token': { type: 'boolean', default: false },
    },
  });
  const scope = values.scope ?? '';
  if (values.client) return print(await clientCredentialsToken(issuer, scope));
  const tokens = await userTokens(issuer, values.user ?? 'demo', scope);
  if (!values['id-token']) return print(tokens.accessToken);
  if (tokens.idToken === undefined) throw new Error('no ID token: the scope must hold openid');
  print(tokens.idToken);
});
