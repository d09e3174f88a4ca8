/**
 * `npm run token -- [--user NAME] [--scope "..."] [--client]`: prints a fresh access token from local mode's
 * demo CIAM (at 127.0.0.1:CIAM_PORT). By default it signs in as a demo user (authorization code + PKCE);
 * `--client` uses client credentials instead. Local mode (`npm start`) must be running. Any failure is one line
 * on stderr and exit code 1.
 */
import { parseArgs } from 'node:util';
import { DEMO_SCOPES } from '../lib/local/demo-ciam';
import { demoCiamIssuer, runDemoCiamScript } from '../lib/local/demo-ciam-script';
import { clientCredentialsToken, userAccessToken } from '../lib/local/demo-login';

const issuer = demoCiamIssuer(process.env);

runDemoCiamScript('token', issuer, async (print) => {
  const { values } = parseArgs({
    options: {
      user: { type: 'string', default: 'demo' },
      scope: { type: 'string', default: DEMO_SCOPES.join(' ') },
      client: { type: 'boolean', default: false },
    },
  });
  const scope = values.scope ?? '';
  print(await (values.client ? clientCredentialsToken(issuer, scope) : userAccessToken(issuer, values.user ?? 'demo', scope)));
});
