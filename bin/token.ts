/**
 * `npm run token -- [--user NAME] [--scope "..."] [--client | --id-token]`: prints a fresh access token from local
 * mode's demo CIAM (at 127.0.0.1:CIAM_PORT). By default it signs in as a demo user (authorization code + PKCE);
 * `--client` uses client credentials instead; `--id-token` prints the sign-in's ID token (the scope must hold
 * `openid`). Local mode (`npm start`) must be running. Any failure is one line on stderr and exit code 1.
 */
import { parseArgs } from 'node:util';
import { explainNetworkError, oneLine } from '../lib/cli/explain-failure';
import { DEMO_SCOPES } from '../lib/local/demo-ciam';
import { clientCredentialsToken, DEMO_CIAM_TIMEOUT_SECONDS, userTokens } from '../lib/local/demo-login';
import { LOCAL_DEFAULTS } from '../lib/local/local-settings';

const issuer = `http://127.0.0.1:${process.env.CIAM_PORT || LOCAL_DEFAULTS.ciamPort}`;

async function main(): Promise<string> {
  const { values } = parseArgs({
    options: {
      user: { type: 'string', default: 'demo' },
      scope: { type: 'string', default: DEMO_SCOPES.join(' ') },
      client: { type: 'boolean', default: false },
      'id-token': { type: 'boolean', default: false },
    },
  });
  const scope = values.scope ?? '';
  if (values.client) return clientCredentialsToken(issuer, scope);
  const tokens = await userTokens(issuer, values.user ?? 'demo', scope);
  if (!values['id-token']) return tokens.accessToken;
  if (tokens.idToken === undefined) throw new Error('no ID token: the scope must hold openid');
  return tokens.idToken;
}

/** fetch rejects with TypeError('fetch failed') for any network failure, and a TimeoutError past its deadline. */
function isNetworkFailure(err: unknown): boolean {
  return (err instanceof TypeError && err.message === 'fetch failed') || (err instanceof Error && err.name === 'TimeoutError');
}

main().then(
  (token) => process.stdout.write(`${token}\n`),
  (err: unknown) => {
    const reason = isNetworkFailure(err)
      ? `${explainNetworkError(err, issuer, DEMO_CIAM_TIMEOUT_SECONDS).message}: is local mode running? (npm start)`
      : oneLine(err instanceof Error ? err.message : String(err));
    console.error(`token: ${reason}`);
    process.exit(1);
  },
);
