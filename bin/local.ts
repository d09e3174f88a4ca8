/**
 * `npm start`: local mode on 127.0.0.1. PORT (gateway, default 3000), CIAM_PORT (demo CIAM, default 3001),
 * LOCAL_BRANDS_FILE (extra brands, a JSON array of brand configs), LOCAL_ADMIN_KEY (the admin routes' key,
 * default `local-admin-key`: local mode listens on 127.0.0.1 only).
 */
import { GATEWAY_RESPONSES, INTEGRATION_TIMEOUT_MS } from '../lib/gateway-responses';
import { LOCAL_TABLES } from '../lib/table-definitions';
import { CIAM_AUTHORIZER_DEFAULTS } from '../lib/ciam-authorizer-defaults';
import { ConfigValidationError } from '../lambdas/core/errors';
import { startLocalMode } from '../lib/local/local-mode';

const port = Number(process.env.PORT ?? 3000);
const ciamPort = Number(process.env.CIAM_PORT ?? 3001);
const adminKey = process.env.LOCAL_ADMIN_KEY || 'local-admin-key';

async function main(): Promise<void> {
  const started = Date.now();
  const local = await startLocalMode({
    port,
    ciamPort,
    adminKey,
    ...(process.env.LOCAL_BRANDS_FILE ? { brandsFile: process.env.LOCAL_BRANDS_FILE } : {}),
    tables: LOCAL_TABLES,
    gatewayResponses: GATEWAY_RESPONSES,
    integrationTimeoutMs: INTEGRATION_TIMEOUT_MS,
    resultsCacheTtlSeconds: CIAM_AUTHORIZER_DEFAULTS.resultsCacheTtl.toSeconds(),
    log: (line) => console.log(`gateway  ${line}`),
  });
  console.log(`dynamodb ${local.dynamodbEndpoint}`);
  console.log(`ciam     ${local.ciam.issuer}  (discovery: ${local.ciam.issuer}/.well-known/openid-configuration)`);
  console.log(`gateway  ${local.gatewayUrl}  (admin routes: x-admin-key: ${adminKey})`);
  console.log(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s. Try, in another terminal:

  TOKEN=$(npm run -s token)
  curl -s ${local.gatewayUrl}/v1/whoami -H "Authorization: Bearer $TOKEN" -H "X-Brand-Id: demo"                # 200
  curl -s -i ${local.gatewayUrl}/v1/whoami -H "Authorization: Bearer \${TOKEN%.*}.AAAA" -H "X-Brand-Id: demo"  # 401
  NO_SCOPE=$(npm run -s token -- --scope openid)
  curl -s -i ${local.gatewayUrl}/v1/whoami -H "Authorization: Bearer $NO_SCOPE" -H "X-Brand-Id: demo"          # 403
`);
  const shutdown = () => {
    local.stop().then(() => process.exit(0), () => process.exit(1));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((err: unknown) => {
  if (err instanceof ConfigValidationError) console.error(`local mode: invalid configuration:\n- ${err.problems.join('\n- ')}`);
  else if ((err as { code?: string }).code === 'EADDRINUSE') console.error(`local mode: port in use (${(err as Error).message}); set PORT / CIAM_PORT`);
  else console.error(`local mode: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
