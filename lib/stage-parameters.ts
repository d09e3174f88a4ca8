import type { UsagePlan } from 'aws-cdk-lib/aws-apigateway';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { ParameterTier, StringParameter } from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { stageParameterName, usagePlanParameterName, type StageParameter } from '../lambdas/core/ssm-parameter-names';
import type { BrandQuotaPlans } from './brand-quota-plans';
import { stageProblems, throwIfInvalid } from './props-validation';

export interface CiamGatewayStageParametersProps {
  /** The gateway stage the parameters are published under: `/ciam-gateway/<stage>/…`. */
  readonly stage: string;
  /** The CIAM authorizer's function (`CiamAuthorizer.handler`). */
  readonly authorizerFunction: IFunction;
  /** The brand configuration table the authorizer reads. */
  readonly brandTable: ITable;
  /** The revocation table the authorizer reads. */
  readonly revocationsTable: ITable;
  /**
   * The stage's tier usage plans (`CiamAuthorizer.quotaPlans`): each plan's id is published, for the APIs of other
   * stacks that opt in to quotas through `CiamAuthorizer.fromStage`.
   * @default - none published
   */
  readonly quotaPlans?: BrandQuotaPlans;
}

/**
 * What a deployed gateway stage tells other stacks and apps in its account and region, as SSM String parameters:
 * `/ciam-gateway/<stage>/authorizer-function-arn` (what `CiamAuthorizer.fromStage` attaches to their APIs), and
 * `/ciam-gateway/<stage>/brand-table-name`, `…/brand-table-arn`, `…/revocations-table-name` and
 * `…/revocations-table-arn` (for a CiamAuthorizer of their own over the shared brand and revocation tables), and
 * `/ciam-gateway/<stage>/usage-plans/<tier>` (the plans an opted-in API joins). Resolving them at deploy time needs no
 * credentials at synth, and no stack exports to pin.
 */
export class CiamGatewayStageParameters extends Construct {
  public readonly authorizerFunctionArn: StringParameter;
  public readonly brandTableName: StringParameter;
  public readonly brandTableArn: StringParameter;
  public readonly revocationsTableName: StringParameter;
  public readonly revocationsTableArn: StringParameter;
  /** `/ciam-gateway/<stage>/usage-plans/<tier>`, by tier. */
  public readonly usagePlanIds: ReadonlyMap<string, StringParameter>;

  constructor(scope: Construct, id: string, props: CiamGatewayStageParametersProps) {
    super(scope, id);
    throwIfInvalid(this, 'CiamGatewayStageParameters', stageProblems(props.stage));
    const publish = (constructId: string, parameter: StageParameter, value: string, description: string) =>
      new StringParameter(this, constructId, {
        parameterName: stageParameterName(props.stage, parameter),
        stringValue: value,
        description: `CIAM gateway ${props.stage}: ${description}`,
        tier: ParameterTier.STANDARD,
      });
    this.authorizerFunctionArn = publish('AuthorizerFunctionArn', 'authorizer-function-arn', props.authorizerFunction.functionArn, 'the CIAM authorizer function');
    this.brandTableName = publish('BrandTableName', 'brand-table-name', props.brandTable.tableName, 'the brand configuration table');
    this.brandTableArn = publish('BrandTableArn', 'brand-table-arn', props.brandTable.tableArn, 'the brand configuration table');
    this.revocationsTableName = publish('RevocationsTableName', 'revocations-table-name', props.revocationsTable.tableName, 'the revocation table');
    this.revocationsTableArn = publish('RevocationsTableArn', 'revocations-table-arn', props.revocationsTable.tableArn, 'the revocation table');
    this.usagePlanIds = new Map([...(props.quotaPlans?.plans ?? new Map<string, UsagePlan>())].map(([tier, plan]) => [
      tier,
      new StringParameter(this, `UsagePlan-${tier}`, {
        parameterName: usagePlanParameterName(props.stage, tier),
        stringValue: plan.usagePlanId,
        description: `CIAM gateway ${props.stage}: the usage plan of quota tier ${tier}`,
        tier: ParameterTier.STANDARD,
      }),
    ]));
  }
}
