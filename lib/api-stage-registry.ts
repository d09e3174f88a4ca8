import { Lazy, Stack, Token, type Duration } from 'aws-cdk-lib';
import type { IRestApi } from 'aws-cdk-lib/aws-apigateway';
import { ParameterTier, StringParameter } from 'aws-cdk-lib/aws-ssm';
import type { Construct } from 'constructs';
import { apiRegistryParameterName, type ApiRegistration } from '../lambdas/core/ssm-parameter-names';
import { STAGE_NAME_PATTERN } from './stage-config';

export interface ApiStageRegistration {
  /** The gateway stage whose authorizer the API uses (`/ciam-gateway/<stage>/apis/`). */
  readonly stage: string;
  /** The API; its `deploymentStage` is read at synth, so it may be set after this call. */
  readonly api: IRestApi;
  /**
   * How long the authorizer serving the API keeps a brand's config in memory: the admin API's follow-up flush after a
   * brand change waits that long for this stage.
   * @default - not recorded: the gateway's own brand-cache TTL (an authorizer imported from the deployed stage)
   */
  readonly brandConfigCacheTtl?: Duration;
}

/**
 * Records, at deploy time, that `api`'s deployment stage uses the authorizer of gateway stage `stage`: an SSM String
 * parameter `/ciam-gateway/<stage>/apis/<apiId>` whose value is the API's registration as JSON, its stage name and its
 * authorizer's brand-cache TTL (`ApiRegistration`). Operations that must reach every API using the authorizer read that
 * path; the admin API's authorizer-cache flushes do.
 *
 * The parameter lives under the API, in the API's stack: it is created and deleted with the API and needs no
 * cross-stack reference. One per (stage, API) however often it is called; `scope` names the caller in errors.
 */
export function registerApiStage(scope: Construct, registration: ApiStageRegistration): StringParameter {
  const { stage, api, brandConfigCacheTtl } = registration;
  if (Token.isUnresolved(stage) || !STAGE_NAME_PATTERN.test(stage)) {
    throw new Error(
      `${scope.node.path}: cannot register ${api.node.path} for stage ${JSON.stringify(stage)}: the stage must be a literal name ` +
        `matching ${STAGE_NAME_PATTERN}, since it names the registry path /ciam-gateway/<stage>/apis`,
    );
  }
  const id = `CiamGatewayRegistration-${stage}`;
  const existing = api.node.tryFindChild(id);
  if (existing instanceof StringParameter) return existing;
  return new StringParameter(api, id, {
    parameterName: apiRegistryParameterName(stage, api.restApiId),
    // The name holds a deploy-time API id: say it is a path, so CDK can build the parameter's ARN.
    simpleName: false,
    stringValue: Lazy.string({
      produce: (): string => {
        const value: ApiRegistration = {
          stageName: deploymentStageName(scope, api),
          ...(brandConfigCacheTtl === undefined ? {} : { brandCacheTtlSeconds: brandConfigCacheTtl.toSeconds() }),
        };
        return Stack.of(api).toJsonString(value);
      },
    }),
    description: `API stage using the CIAM gateway authorizer of stage ${stage}`,
    tier: ParameterTier.STANDARD,
  });
}

/** Read at synth: an API made with `deploy: false` gets its `deploymentStage` after its authorizer. */
function deploymentStageName(scope: Construct, api: IRestApi): string {
  // Typed as always set, but undefined on an API made with `deploy: false` until one is assigned.
  const stage = api.deploymentStage as IRestApi['deploymentStage'] | undefined;
  if (stage === undefined) {
    throw new Error(
      `${scope.node.path}: ${api.node.path} has no deploymentStage, so its stage cannot be registered for authorizer-cache flushes: ` +
        'deploy it (deploy: true) or set api.deploymentStage',
    );
  }
  return stage.stageName;
}
