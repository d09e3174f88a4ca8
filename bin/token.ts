/**
 * `npm run token -- [--user NAME] [--scope "..."] [--client]`: prints a fresh access token from local mode's
 * demo CIAM. By default it signs in as a demo user (authorization code + PKCE); `--client` uses client
 * credentials instead. Local mode (`npm start`) must be running.
 */
import { parseArgs } from 'node:util';
import { DEMO_SCOPES } from '../lib/local/demo-ciam';
import { clientCredentialsToken, userAccessToken } from '../lib/local/demo-login';

const { values } = parseArgs({
  options: {
    user: { type: 'string', default: 'demo' },
    scope: { type: 'string', default: DEMO_SCOPES.join(' ') },
    client: { type: 'boolean', default: false },
  },
});
const issuer = `http://127.0.0.1:${process.env.CIAM_PORT ?? '3001'}`;
const scope = values.scope ?? '';

(values.client ? clientCredentialsToken(issuer, scope) : userAccessToken(issuer, values.user ?? 'demo', scope)).then(
  (token) => process.stdout.write(`${token}\n`),
  (err: unknown) => {
    console.error(`token: ${err instanceof Error ? err.message : String(err)}\nIs local mode running? Start it with: npm start`);
    process.exit(1);
  },
);
