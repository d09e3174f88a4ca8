/**
 * `npm start`: local mode on 127.0.0.1. Its settings (PORT, CIAM_PORT, LOCAL_ADMIN_KEY, LOCAL_BRANDS_FILE,
 * LOCAL_ROUTES_FILE, AUTHORIZER_RESULTS_CACHE_TTL_SECONDS, and BRAND_CACHE_TTL_SECONDS and JWKS_COOLDOWN_SECONDS
 * passed on to the functions) are declared in lib/local/local-settings.ts.
 */
import { ConfigValidationError } from '../lambdas/core/errors';
import { startLocalMode } from '../lib/local/local-mode';
import { LOCAL_DEFAULTS, readLocalSettings } from '../lib/local/local-settings';
import { stopWithParent } from '../lib/local/stop-with-parent';

async function main(): Promise<void> {
  const started = Date.now();
  const settings = readLocalSettings(process.env);
  const starting = startLocalMode({ ...settings, log: (line) => console.log(`gateway  ${line}`) });
  // Registered before the start finishes: a signal during the start still stops what has started.
  stopWithParent(async () => (await starting.catch(() => undefined))?.stop());
  const local = await starting;
  const token = settings.ciamPort === LOCAL_DEFAULTS.ciamPort ? 'npm run -s token' : `CIAM_PORT=${new URL(local.ciam.issuer).port} npm run -s token`;
  console.log(`dynamodb ${local.dynamodbEndpoint}`);
  console.log(`ciam     ${local.ciam.issuer}  (discovery: ${local.ciam.issuer}/.well-known/openid-configuration)`);
  // The vendor-shaped CIAMs, under paths of the demo CIAM: what the janrain and auth0 presets' endpoint and nextreason's baseUrl take.
  const { janrain, nextreason, auth0 } = local.ciam.vendors;
  console.log(`janrain  ${janrain.endpoint}  (customerId ${janrain.customerId}; issuer ${janrain.issuer})`);
  console.log(`nextreason ${nextreason.baseUrl}  (the tenant URL: issuer, discovery and /introspect under it)`);
  console.log(`auth0    ${auth0.endpoint}  (issuer ${auth0.issuer}; no introspection)`);
  console.log(`gateway  ${local.gatewayUrl}  (admin routes: x-admin-key: ${settings.adminKey})`);
  if (settings.routesFile) console.log(`routes   ${settings.routesFile}, and any route it does not name: echo integration, CIAM authorizer`);
  console.log(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s. Try, in another terminal:

  TOKEN=$(${token})
  curl -s ${local.gatewayUrl}/v1/whoami -H "Authorization: Bearer $TOKEN" -H "X-Brand-Id: demo"                # 200
  curl -s -i ${local.gatewayUrl}/v1/whoami -H "Authorization: Bearer \${TOKEN%.*}.AAAA" -H "X-Brand-Id: demo"  # 401, x-ciam-debug: SIGNATURE_INVALID
  NO_SCOPE=$(${token} -- --scope openid)
  curl -s -i ${local.gatewayUrl}/v1/whoami -H "Authorization: Bearer $NO_SCOPE" -H "X-Brand-Id: demo"          # 403
`);
}

main().catch((err: unknown) => {
  if (err instanceof ConfigValidationError) console.error(`local mode: invalid configuration:\n- ${err.problems.join('\n- ')}`);
  else if ((err as { code?: string }).code === 'EADDRINUSE') console.error(`local mode: port in use (${(err as Error).message}); set PORT / CIAM_PORT`);
  else console.error(`local mode: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
