/**
 * `npm run token -- [--scope "openid loyalty"]`: prints a fresh access token from local mode's demo CIAM
 * (client-credentials grant). Local mode (`npm start`) must be running.
 */
import { parseArgs } from 'node:util';
import { DEMO_CLIENT, DEMO_SCOPES } from '../lambdas/local/demo-ciam';

const { values } = parseArgs({ options: { scope: { type: 'string', default: DEMO_SCOPES.join(' ') } } });
const issuer = `http://127.0.0.1:${process.env.CIAM_PORT ?? '3001'}`;

async function main(): Promise<void> {
  const discovery = (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as { token_endpoint: string };
  const response = await fetch(discovery.token_endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${DEMO_CLIENT.clientId}:${DEMO_CLIENT.clientSecret}`).toString('base64')}`,
    },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope: values.scope ?? '' }),
  });
  const body = (await response.json()) as { access_token?: string; error?: string; error_description?: string };
  if (!body.access_token) throw new Error(`the demo CIAM refused: ${body.error} ${body.error_description ?? ''}`);
  process.stdout.write(`${body.access_token}\n`);
}

main().catch((err: unknown) => {
  const reason = err instanceof Error ? err.message : String(err);
  console.error(`token: ${reason}\nIs local mode running? Start it with: npm start`);
  process.exit(1);
});
