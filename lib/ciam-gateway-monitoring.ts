import { Duration } from 'aws-cdk-lib';
import type { Stage } from 'aws-cdk-lib/aws-apigateway';
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  LogQueryVisualizationType,
  LogQueryWidget,
  MathExpression,
  Metric,
  TextWidget,
  TreatMissingData,
  type IMetric,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import type { ILogGroup } from 'aws-cdk-lib/aws-logs';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE } from '../lambdas/adapters/function-environment';
import { CIAM_AUTHORIZER_SERVICE_NAME } from './ciam-authorizer-defaults';

/** When each alarm fires; every figure is over one 5-minute period unless said otherwise. */
export interface CiamGatewayAlarmThresholds {
  /** Authorizer decisions failed by us or a dependency (`Refused_INTERNAL` + `Refused_STORE_UNAVAILABLE`). @default 5 */
  readonly authorizerErrors?: number;
  /** Share of the stage's requests answered 5xx (0–1), two periods in a row. @default 0.01 */
  readonly serverErrorRate?: number;
  /** `JwksFailures` of any one brand. @default 10 */
  readonly jwksFailuresPerBrand?: number;
  /** Denied decisions of any one brand, `-` (ids not in the brand table) included. @default 1000 */
  readonly deniesPerBrand?: number;
  /** Read and write throttle events over all the gateway's tables. @default 1 */
  readonly dynamoDbThrottles?: number;
  /** Throttled invocations of the authorizer, and of the route functions together. @default 1 */
  readonly lambdaThrottles?: number;
}

export const DEFAULT_ALARM_THRESHOLDS: Required<CiamGatewayAlarmThresholds> = {
  authorizerErrors: 5,
  serverErrorRate: 0.01,
  jwksFailuresPerBrand: 10,
  deniesPerBrand: 1000,
  dynamoDbThrottles: 1,
  lambdaThrottles: 1,
};

export interface CiamGatewayMonitoringProps {
  readonly stage: Stage;
  readonly authorizerFunction: LambdaFunction;
  readonly routeFunctions: readonly LambdaFunction[];
  readonly tables: readonly TableV2[];
  /**
   * The stage's access log, with `brand` and `responseType` in each line (`ACCESS_LOG_FIELDS`): the quota panels,
   * per-brand 429s (rate and daily quota) and 403s of a disabled key, are Logs Insights queries over it.
   * @default no quota panels
   */
  readonly accessLogGroup?: ILogGroup;
  /** Where the alarms (and their return to OK) are sent. @default none: the alarms only change state */
  readonly alarmTopic?: ITopic;
  readonly thresholds?: CiamGatewayAlarmThresholds;
}

const PERIOD = Duration.minutes(5);
/** CloudWatch takes at most 10 metrics in one alarm's math expression. */
const MAX_ALARM_METRICS = 10;

/**
 * The gateway's CloudWatch dashboard and alarms. Brands are data, not stack resources, so what is per brand is read
 * with Metrics Insights queries (`GROUP BY brand`), one alarm for every brand, rather than an alarm per brand.
 */
export class CiamGatewayMonitoring extends Construct {
  public readonly dashboard: Dashboard;
  public readonly alarms: ReadonlyMap<string, Alarm>;

  constructor(scope: Construct, id: string, props: CiamGatewayMonitoringProps) {
    super(scope, id);
    const thresholds = { ...DEFAULT_ALARM_THRESHOLDS, ...props.thresholds };
    const { stage, authorizerFunction } = props;
    const alarms = new Map<string, Alarm>();
    const alarm = (name: string, metric: Metric | MathExpression, threshold: number, description: string, evaluationPeriods = 1): void => {
      const created = metric.createAlarm(this, name, {
        threshold,
        evaluationPeriods,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });
      if (props.alarmTopic) {
        created.addAlarmAction(new SnsAction(props.alarmTopic));
        created.addOkAction(new SnsAction(props.alarmTopic));
      }
      alarms.set(name, created);
    };

    const authorizerRefusals = (code: string) =>
      new Metric({ namespace: METRICS_NAMESPACE, metricName: `Refused_${code}`, dimensionsMap: { service: CIAM_AUTHORIZER_SERVICE_NAME }, statistic: 'Sum', period: PERIOD });
    // Not Lambda's `Errors`: the authorizer refuses a token by throwing `Unauthorized`, which Lambda counts as one.
    const authorizerErrors = new MathExpression({
      expression: 'FILL(internal, 0) + FILL(store, 0)',
      usingMetrics: { internal: authorizerRefusals('INTERNAL'), store: authorizerRefusals('STORE_UNAVAILABLE') },
      label: 'authorizer failures (ours or the brand table)',
      period: PERIOD,
    });
    alarm('AuthorizerErrors', authorizerErrors, thresholds.authorizerErrors, 'Authorizer decisions failed by a bug or the brand/revocation table: every brand refused');

    const serverErrorRate = stage.metricServerError({ statistic: 'Average', period: PERIOD, label: '5xx share' });
    alarm('ServerErrorRate', serverErrorRate, thresholds.serverErrorRate, 'Share of requests answered 5xx by the stage', 2);

    const perBrand = (metric: string, where = '') =>
      new MathExpression({
        expression: `SELECT SUM(${metric}) FROM SCHEMA("${METRICS_NAMESPACE}", brand${metric === 'Decisions' ? ', outcome' : ''}, service)${where} GROUP BY brand ORDER BY SUM() DESC LIMIT 10`,
        usingMetrics: {},
        label: `${metric} by brand`,
        period: PERIOD,
      });
    alarm('JwksFailuresPerBrand', perBrand('JwksFailures'), thresholds.jwksFailuresPerBrand, "A brand's signing keys cannot be fetched: its new tokens are refused (one alarm, a contributor per brand)");
    alarm('DeniesPerBrand', perBrand('Decisions', " WHERE outcome != 'allow'"), thresholds.deniesPerBrand, 'A spike of denied decisions for one brand (or for unknown brand ids, brand "-")');

    const throttles = props.tables.flatMap((table) => [table.metric('ReadThrottleEvents', { statistic: 'Sum', period: PERIOD }), table.metric('WriteThrottleEvents', { statistic: 'Sum', period: PERIOD })]);
    alarm('DynamoDbThrottles', sumOf(throttles, 'DynamoDB throttle events', 'ddb'), thresholds.dynamoDbThrottles, 'DynamoDB throttled reads or writes of the gateway tables');
    alarm('AuthorizerThrottles', authorizerFunction.metricThrottles({ statistic: 'Sum', period: PERIOD }), thresholds.lambdaThrottles, 'Authorizer invocations throttled: API Gateway answers them 500');
    const routeThrottles = props.routeFunctions.map((fn) => fn.metricThrottles({ statistic: 'Sum', period: PERIOD }));
    alarm('RouteFunctionThrottles', sumOf(routeThrottles, 'route function throttles', 'fn'), thresholds.lambdaThrottles, 'Route function invocations throttled');
    this.alarms = alarms;

    const widget = (title: string, left: IMetric[], width = 8) => new GraphWidget({ title, left, width, height: 6 });
    // The empty label lets CloudWatch name each series by its group (the brand or the outcome).
    const breakdown = (title: string, expression: string) =>
      widget(title, [new MathExpression({ expression: expression.replaceAll('NS', METRICS_NAMESPACE), usingMetrics: {}, label: '', period: PERIOD })], 12);
    this.dashboard = new Dashboard(this, 'Dashboard', {
      defaultInterval: Duration.hours(6),
      widgets: [
        [new TextWidget({ markdown: '# CIAM gateway\nWhole gateway, then the top 10 brands by Metrics Insights. Alarms: see the README, "Metrics, dashboard and alarms".', width: 24, height: 2 })],
        [
          widget('Requests', [stage.metricCount({ statistic: 'Sum', period: PERIOD })]),
          widget('4xx and 5xx', [stage.metricClientError({ statistic: 'Sum', period: PERIOD }), stage.metricServerError({ statistic: 'Sum', period: PERIOD })]),
          widget('Latency p50 / p99', [stage.metricLatency({ statistic: 'p50', period: PERIOD }), stage.metricLatency({ statistic: 'p99', period: PERIOD })]),
        ],
        [
          widget('Authorizer duration p50 / p99', [authorizerFunction.metricDuration({ statistic: 'p50', period: PERIOD }), authorizerFunction.metricDuration({ statistic: 'p99', period: PERIOD })]),
          widget('Authorizer invocations and failures', [authorizerFunction.metricInvocations({ statistic: 'Sum', period: PERIOD }), authorizerErrors]),
          widget('Throttles', [authorizerFunction.metricThrottles({ statistic: 'Sum', period: PERIOD }), sumOf(routeThrottles, 'route function throttles', 'fn'), sumOf(throttles, 'DynamoDB throttle events', 'ddb')]),
        ],
        [
          breakdown('Denies by reason', `SELECT SUM(Decisions) FROM SCHEMA("NS", brand, outcome, service) WHERE outcome != 'allow' GROUP BY outcome`),
          breakdown('Top brands: decisions', 'SELECT SUM(Decisions) FROM SCHEMA("NS", brand, outcome, service) GROUP BY brand ORDER BY SUM() DESC LIMIT 10'),
        ],
        ...(props.accessLogGroup ? [quotaPanels(props.accessLogGroup)] : []),
        [
          breakdown('Top brands: denies', `SELECT SUM(Decisions) FROM SCHEMA("NS", brand, outcome, service) WHERE outcome != 'allow' GROUP BY brand ORDER BY SUM() DESC LIMIT 10`),
          breakdown('Top brands: JWKS failures', 'SELECT SUM(JwksFailures) FROM SCHEMA("NS", brand, service) GROUP BY brand ORDER BY SUM() DESC LIMIT 10'),
        ],
      ],
    });
  }
}

/**
 * What API Gateway's usage plans refused, from the access log (usage plans publish no metric): 429s over time by
 * kind, and the top brands throttled (`THROTTLED`, over the tier's rate or burst), over quota (`QUOTA_EXCEEDED`), or
 * refused for their key (`INVALID_API_KEY`: disabled or not yet synced). Logs Insights bills per GB scanned when the
 * dashboard is viewed, not per brand.
 */
function quotaPanels(accessLogGroup: ILogGroup): LogQueryWidget[] {
  const quotaTypes = "responseType in ['THROTTLED', 'QUOTA_EXCEEDED', 'INVALID_API_KEY']";
  return [
    new LogQueryWidget({
      title: 'Usage plans: throttled and over quota',
      logGroupNames: [accessLogGroup.logGroupName],
      view: LogQueryVisualizationType.LINE,
      queryLines: [`filter ${quotaTypes}`, 'stats count(*) as requests by bin(5m), responseType'],
      width: 12,
      height: 6,
    }),
    new LogQueryWidget({
      title: 'Top brands: throttled, over quota, key refused',
      logGroupNames: [accessLogGroup.logGroupName],
      view: LogQueryVisualizationType.TABLE,
      queryLines: [`filter ${quotaTypes}`, 'stats count(*) as requests by brand, responseType', 'sort requests desc', 'limit 10'],
      width: 12,
      height: 6,
    }),
  ];
}

/** One series summing `metrics` (missing points as 0), as an alarm can read it. */
function sumOf(metrics: readonly IMetric[], label: string, idPrefix: string): MathExpression {
  if (metrics.length > MAX_ALARM_METRICS) throw new Error(`${label}: ${metrics.length} metrics, an alarm takes at most ${MAX_ALARM_METRICS}`);
  // Ids are prefixed so that two sums can share a graph.
  const usingMetrics = Object.fromEntries(metrics.map((metric, index) => [`${idPrefix}${index}`, metric]));
  return new MathExpression({ expression: Object.keys(usingMetrics).map((id) => `FILL(${id}, 0)`).join(' + '), usingMetrics, label, period: PERIOD });
}
