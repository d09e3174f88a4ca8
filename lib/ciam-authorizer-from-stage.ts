import type { Duration } from 'aws-cdk-lib';
import type { IAuthorizer, IRestApi } from 'aws-cdk-lib/aws-apigateway';
import { Function as LambdaFunction, type IFunction } from 'aws-cdk-lib/aws-lambda';
import { StringParameter } from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { DEFAULT_QUOTA_TIERS, DEFAULT_TIER, TIER_NAME_PATTERN } from '../lambdas/core/quota-tiers';
import type { RouteScopes } from '../lambdas/core/route-scopes';
import { stageParameterName } from '../lambdas/core/ssm-parameter-names';
import { ApiAuthorizers, type AuthorizerForOptions } from './ciam-api-authorizers';
import { CIAM_AUTHORIZER_DEFAULTS, CIAM_AUTHORIZER_LIMITS } from './ciam-authorizer-defaults';
import { secondsProblem, stageProblems, throwIfInvalid } from './props-validation';
import { joinStageQuotaPlans } from './stage-quota-plans';

export interface ImportCiamAuthorizerProps {
  /** The deployed gateway stage whose authorizer to use: its SSM parameters `/ciam-gateway/<stage>/…`. */
  readonly stage: string;
  /**
   * How long API Gateway caches a decision per (Authorization, X-Brand-Id) on your APIs; 0 to 3600 s. With the
   * stage's revocation cache TTL (10 s) it is how long a revoked token may still get through: synth warns over 15 s.
   * @default Duration.seconds(5)
   */
  readonly resultsCacheTtl?: Duration;
  /**
   * The stage's quota tiers whose usage plans an API joins with `authorizerFor(api, { quotas: true })`: every tier the
   * stage's brands may be in, since a brand whose tier's plan lacks the API gets 403 there. Each plan's id is resolved
   * at deploy time from `/ciam-gateway/<stage>/usage-plans/<tier>`, so a tier the stage lacks fails the deploy.
   * @default the tiers of DEFAULT_QUOTA_TIERS (`standard`, `premium`)
   */
  readonly quotaTiers?: readonly string[];
}

/**
 * The authorizer function of a deployed gateway stage, for RestApis of another stack or app in the same account and
 * region. The function's ARN is resolved at deploy time from `/ciam-gateway/<stage>/authorizer-function-arn` (a
 * CloudFormation SSM parameter: no credentials at synth, and a redeploy picks up a moved function). Each API gets its
 * own REQUEST authorizer and invoke permission, and is registered for the gateway's authorizer-cache flushes.
 *
 * The function serves the scopes it was deployed with, so an imported authorizer takes no `routeScopes`: a valid token
 * of the brand opens every route of your API. With `quotas: true`, the API's stage joins the stage's tier usage plans
 * (`joinStageQuotaPlans`), so each brand's requests count against its own quota there too.
 */
export class ImportedCiamAuthorizer extends Construct {
  /** The deployed function, imported so that invoke permissions are created (`sameEnvironment: true`). */
  public readonly handler: IFunction;
  public readonly stage: string;
  private readonly apis: ApiAuthorizers;

  constructor(scope: Construct, id: string, props: ImportCiamAuthorizerProps) {
    super(scope, id);
    throwIfInvalid(this, 'CiamAuthorizer.fromStage', [
      ...stageProblems(props.stage),
      ...quotaTierNamesProblems(props.quotaTiers),
      ...secondsProblem('resultsCacheTtl', props.resultsCacheTtl, CIAM_AUTHORIZER_LIMITS.resultsCacheTtlSeconds),
    ]);
    this.stage = props.stage;
    const functionArn = StringParameter.valueForStringParameter(this, stageParameterName(props.stage, 'authorizer-function-arn'));
    // The ARN is a token, so CDK cannot tell the function's account: without `sameEnvironment` it would silently skip
    // every invoke permission, and API Gateway would answer 500 for lack of one.
    this.handler = LambdaFunction.fromFunctionAttributes(this, 'Handler', { functionArn, sameEnvironment: true });
    this.apis = new ApiAuthorizers(this, {
      handler: this.handler,
      stage: props.stage,
      resultsCacheTtl: props.resultsCacheTtl ?? CIAM_AUTHORIZER_DEFAULTS.resultsCacheTtl,
      // The gateway stack's authorizer keeps the default.
      revocationCacheTtl: CIAM_AUTHORIZER_DEFAULTS.revocationCacheTtl,
      routeScopesProblems: (_api, routeScopes) => (namesAnyScope(routeScopes) ? [importedRouteScopesRefusal(props.stage)] : []),
      addToQuotaPlans: (api) => joinStageQuotaPlans(this, { stage: props.stage, api, tiers: props.quotaTiers ?? Object.keys(DEFAULT_QUOTA_TIERS) }),
    });
  }

  /**
   * The REQUEST authorizer of `api` (a RestApi of this stack), made on the first call and memoised: one authorizer and
   * one invoke permission per API. `options.routeScopes` naming any scope is refused (see the class).
   */
  public authorizerFor(api: IRestApi, options?: AuthorizerForOptions): IAuthorizer {
    return this.apis.authorizerFor(api, options);
  }
}

/** `CiamAuthorizer.fromStage`: the authorizer of a deployed gateway stage, for your own RestApis. */
export function importCiamAuthorizer(scope: Construct, id: string, props: ImportCiamAuthorizerProps): ImportedCiamAuthorizer {
  return new ImportedCiamAuthorizer(scope, id, props);
}

function quotaTierNamesProblems(tiers: readonly string[] | undefined): string[] {
  if (tiers === undefined) return [];
  const bad = tiers.filter((tier) => !TIER_NAME_PATTERN.test(tier));
  return [
    ...(tiers.includes(DEFAULT_TIER) ? [] : [`quotaTiers must include ${DEFAULT_TIER}, the tier of brands that name none`]),
    ...(bad.length > 0 ? [`quotaTiers: ${bad.map((tier) => JSON.stringify(tier)).join(', ')} must match ${TIER_NAME_PATTERN.source}`] : []),
  ];
}

/** Route scopes that ask nothing beyond a valid token (no route, or only empty lists) are what the function does anyway. */
function namesAnyScope(routeScopes: RouteScopes): boolean {
  return Object.values(routeScopes).some((scopes) => scopes.length > 0);
}

function importedRouteScopesRefusal(stage: string): string {
  return (
    'routeScopes: an imported authorizer has no per-API scopes: create your own CiamAuthorizer over the shared brand ' +
    `and revocation tables (the SSM parameters ${stageParameterName(stage, 'brand-table-arn')} and ` +
    `${stageParameterName(stage, 'revocations-table-arn')})`
  );
}
