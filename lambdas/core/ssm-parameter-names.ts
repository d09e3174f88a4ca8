/**
 * The SSM parameters of a gateway stage, named in one place: the stack publishes them, `CiamAuthorizer.fromStage`
 * resolves them, each `authorizerFor` registers its API stage under `apis/`, and the admin function reads that path.
 *
 * `/ciam-gateway/<stage>/authorizer-function-arn`, `.../brand-table-name`, `.../brand-table-arn`,
 * `.../revocations-table-name`, `.../revocations-table-arn`,
 * `/ciam-gateway/<stage>/usage-plans/<tier>` = the id of each tier's usage plan, and
 * `/ciam-gateway/<stage>/apis/<apiId>` = the API's registration (`ApiRegistration` as JSON). Stage and API id may be
 * CDK tokens at synth.
 */

/** What a deployed gateway stage publishes for other stacks and apps. */
export type StageParameter = 'authorizer-function-arn' | 'brand-table-name' | 'brand-table-arn' | 'revocations-table-name' | 'revocations-table-arn';

/** An API Gateway REST API stage, as the registry records it. */
export interface ApiStage {
  readonly restApiId: string;
  readonly stageName: string;
  /**
   * How long the authorizer that serves the stage keeps a brand's config in memory, when the registration says: a
   * brand change's follow-up flush waits for it. Absent for an authorizer imported from a deployed stage, which is the
   * gateway's own function.
   */
  readonly brandCacheTtlSeconds?: number;
}

/** The value of a registration parameter, as JSON. */
export interface ApiRegistration {
  readonly stageName: string;
  readonly brandCacheTtlSeconds?: number;
}

/** The longest brand-cache TTL an authorizer may have (BRAND_CACHE_TTL_SECONDS): a longer recorded one is ignored. */
const MAX_BRAND_CACHE_TTL_SECONDS = 3600;

const ROOT = '/ciam-gateway';
const APIS = 'apis';
const USAGE_PLANS = 'usage-plans';

/** `/ciam-gateway/<stage>/<parameter>`. */
export function stageParameterName(stage: string, parameter: StageParameter): string {
  return `${ROOT}/${stage}/${parameter}`;
}

/**
 * `/ciam-gateway/<stage>/usage-plans/<tier>`: the id of the stage's usage plan of `tier` (quotas per brand), which a
 * consumer's API joins with `authorizerFor(api, { quotas: true })` on `CiamAuthorizer.fromStage`.
 */
export function usagePlanParameterName(stage: string, tier: string): string {
  return `${ROOT}/${stage}/${USAGE_PLANS}/${tier}`;
}

/** `/ciam-gateway/<stage>/apis`: the path under which every API stage using the stage's authorizer is registered. */
export function apiRegistryPath(stage: string): string {
  return `${ROOT}/${stage}/${APIS}`;
}

/** `/ciam-gateway/<stage>/apis/<apiId>`: one API's registration, whose value is the API's stage name. */
export function apiRegistryParameterName(stage: string, restApiId: string): string {
  return `${apiRegistryPath(stage)}/${restApiId}`;
}

/**
 * The API stage a registry parameter records, or undefined for a parameter that is not one of `stage`'s
 * registrations (a deeper path, an empty or unreadable value): the registry is read as found, not trusted to be tidy.
 * A value that is not JSON is a bare stage name, as registrations made before the TTL was recorded hold.
 */
export function registeredApiStage(stage: string, parameter: { readonly name: string; readonly value: string }): ApiStage | undefined {
  const prefix = `${apiRegistryPath(stage)}/`;
  if (!parameter.name.startsWith(prefix)) return undefined;
  const restApiId = parameter.name.slice(prefix.length);
  const registration = parameter.value.startsWith('{') ? jsonRegistration(parameter.value) : { stageName: parameter.value };
  if (restApiId === '' || restApiId.includes('/') || !registration || registration.stageName === '') return undefined;
  return { restApiId, ...registration };
}

function jsonRegistration(value: string): ApiRegistration | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return undefined;
  }
  const { stageName, brandCacheTtlSeconds: ttl } = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Record<string, unknown>;
  if (typeof stageName !== 'string') return undefined;
  const knownTtl = typeof ttl === 'number' && Number.isInteger(ttl) && ttl >= 0 && ttl <= MAX_BRAND_CACHE_TTL_SECONDS;
  return { stageName, ...(knownTtl ? { brandCacheTtlSeconds: ttl } : {}) };
}
