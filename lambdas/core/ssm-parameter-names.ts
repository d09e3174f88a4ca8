/**
 * The SSM parameters of a gateway stage, named in one place: the stack publishes them, `CiamAuthorizer.fromStage`
 * resolves them, each `authorizerFor` registers its API stage under `apis/`, and the admin function reads that path.
 *
 * `/ciam-gateway/<stage>/authorizer-function-arn`, `.../brand-table-name`, `.../brand-table-arn`, and
 * `/ciam-gateway/<stage>/apis/<apiId>` = the API's stage name. Stage and API id may be CDK tokens at synth.
 */

/** What a deployed gateway stage publishes for other stacks and apps. */
export type StageParameter = 'authorizer-function-arn' | 'brand-table-name' | 'brand-table-arn';

/** An API Gateway REST API stage, as the registry records it. */
export interface ApiStage {
  readonly restApiId: string;
  readonly stageName: string;
}

const ROOT = '/ciam-gateway';
const APIS = 'apis';

/** `/ciam-gateway/<stage>/<parameter>`. */
export function stageParameterName(stage: string, parameter: StageParameter): string {
  return `${ROOT}/${stage}/${parameter}`;
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
 * registrations (a deeper path, an empty value): the registry is read as found, not trusted to be tidy.
 */
export function registeredApiStage(stage: string, parameter: { readonly name: string; readonly value: string }): ApiStage | undefined {
  const prefix = `${apiRegistryPath(stage)}/`;
  if (!parameter.name.startsWith(prefix)) return undefined;
  const restApiId = parameter.name.slice(prefix.length);
  if (restApiId === '' || restApiId.includes('/') || parameter.value === '') return undefined;
  return { restApiId, stageName: parameter.value };
}
