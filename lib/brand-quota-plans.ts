import { ArnFormat, Stack, Validations, type CfnElement } from 'aws-cdk-lib';
import { Period, UsagePlan, type RestApi } from 'aws-cdk-lib/aws-apigateway';
import { Policy, PolicyStatement, type IRole } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { quotaTiersProblems, type QuotaTiers } from '../lambdas/core/quota-tiers';

export interface BrandQuotaPlansProps {
  /** The gateway stage: part of each plan's name. */
  readonly stage: string;
  /** One usage plan per tier. */
  readonly tiers: QuotaTiers;
}

/**
 * Quotas per brand, enforced by API Gateway itself: one usage plan per tier (rate, burst and a daily quota), and each
 * brand's API key in its tier's plan (the admin API keeps it there: lambdas/adapters/usage-key-sync.ts). Plans are
 * per tier and keys per brand, because an account has at most 300 usage plans and 10,000 API keys per region.
 * APIs whose CIAM authorizer was made with `authorizerFor(api, { quotas: true })` are added to every plan.
 */
export class BrandQuotaPlans extends Construct {
  /**
   * `{ tier: usage plan name }`: the admin API's USAGE_PLANS. Names, not ids: the admin function is an integration of
   * the API whose stage the plans meter, so a reference to a plan from its environment would be a dependency cycle.
   */
  public readonly usagePlanNames: Readonly<Record<string, string>>;
  public readonly plans: ReadonlyMap<string, UsagePlan>;

  constructor(scope: Construct, id: string, props: BrandQuotaPlansProps) {
    super(scope, id);
    const problems = quotaTiersProblems(props.tiers);
    if (problems.length > 0) throw new Error(`Invalid quota tiers at ${this.node.path}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    const plans = new Map<string, UsagePlan>();
    const names: Record<string, string> = {};
    for (const [tier, limits] of Object.entries(props.tiers)) {
      names[tier] = `ciam-gateway-${props.stage}-${tier}`;
      plans.set(tier, new UsagePlan(this, `Tier-${tier}`, {
        name: names[tier],
        description: `CIAM gateway (${props.stage}): the quota of each brand of tier ${tier}, per brand API key`,
        throttle: { rateLimit: limits.rateLimit, burstLimit: limits.burstLimit },
        quota: { limit: limits.dailyQuota, period: Period.DAY },
      }));
    }
    this.plans = plans;
    this.usagePlanNames = names;
  }

  /** Meters `api`'s deployed stage on every tier's plan: a brand's requests count against its key's plan. */
  public addApi(api: RestApi): void {
    for (const plan of this.plans.values()) plan.addApiStage({ api, stage: api.deploymentStage });
  }

  /**
   * Lets `role` (the admin API's) keep brands' API keys: find the plans by name, make, list and enable or disable API
   * keys, and add or remove keys in these plans only. It can neither delete a key nor change a plan's limits or stages.
   * A policy of its own, which the function does not depend on: the plans depend on the API's stage, whose deployment
   * depends on the function.
   */
  public grantKeySync(role: IRole): Policy {
    const stack = Stack.of(this);
    const arn = (resource: string) => stack.formatArn({ service: 'apigateway', account: '', resource, arnFormat: ArnFormat.NO_RESOURCE_NAME });
    const planKeys = [...this.plans.values()].map((plan) => `/usageplans/${plan.usagePlanId}/keys`);
    const policy = new Policy(this, 'KeySync', {
      roles: [role],
      statements: [
        new PolicyStatement({ actions: ['apigateway:GET'], resources: [arn('/usageplans')] }),
        new PolicyStatement({ actions: ['apigateway:GET', 'apigateway:POST'], resources: [arn('/apikeys')] }),
        new PolicyStatement({ actions: ['apigateway:PATCH'], resources: [arn(API_KEYS)] }),
        new PolicyStatement({ actions: ['apigateway:POST'], resources: planKeys.map(arn) }),
        new PolicyStatement({ actions: ['apigateway:DELETE'], resources: planKeys.map((path) => arn(`${path}/*`)) }),
      ],
    });
    Validations.of(policy).acknowledge(
      {
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:apigateway:<AWS::Region>::${API_KEYS}]`,
        reason: 'Brand API keys are made at run time by the admin API, so their ids are unknown here; the action is only PATCH (enable or disable), never DELETE.',
      },
      ...[...this.plans.values()].map((plan) => ({
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:apigateway:<AWS::Region>::/usageplans/<${stack.getLogicalId(plan.node.defaultChild as CfnElement)}>/keys/*]`,
        reason: 'Removing a brand key from a tier plan names the key id, made at run time; the plan is named.',
      })),
    );
    return policy;
  }
}

/** Every API key of the region: a key's id is known only once the admin API made it. */
export const API_KEYS = '/apikeys/*';
