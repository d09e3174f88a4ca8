import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { CiamGatewayStack } from '../../lib/ciam-gateway-stack';
import { DEFAULT_ALARM_THRESHOLDS } from '../../lib/ciam-gateway-monitoring';
import { resolveStageConfig } from '../../lib/stage-config';
import { gatewayStack, testApp } from './infra-test-support';

type Alarm = { Properties: Record<string, unknown> & { AlarmActions?: unknown[]; OKActions?: unknown[]; Threshold: number; Metrics?: { Expression?: string }[] } };

/** The stack's alarms by the id given in CiamGatewayMonitoring (the logical id's readable part). */
function alarmsOf(template: Template): Map<string, Alarm> {
  const alarms = template.findResources('AWS::CloudWatch::Alarm') as Record<string, Alarm>;
  return new Map(Object.entries(alarms).map(([logicalId, alarm]) => [logicalId.replace(/^Monitoring/, '').replace(/[0-9A-F]{8}$/, ''), alarm]));
}

describe('the dashboard and alarms of the stack', () => {
  const template = Template.fromStack(gatewayStack('dev'));
  const alarms = alarmsOf(template);

  test('has exactly the documented alarms, each at its default threshold, and no action without a topic', () => {
    expect(Object.fromEntries([...alarms].map(([id, alarm]) => [id, alarm.Properties.Threshold]))).toEqual({
      AuthorizerErrors: DEFAULT_ALARM_THRESHOLDS.authorizerErrors,
      ServerErrorRate: DEFAULT_ALARM_THRESHOLDS.serverErrorRate,
      JwksFailuresPerBrand: DEFAULT_ALARM_THRESHOLDS.jwksFailuresPerBrand,
      DeniesPerBrand: DEFAULT_ALARM_THRESHOLDS.deniesPerBrand,
      DynamoDbThrottles: DEFAULT_ALARM_THRESHOLDS.dynamoDbThrottles,
      AuthorizerThrottles: DEFAULT_ALARM_THRESHOLDS.lambdaThrottles,
      RouteFunctionThrottles: DEFAULT_ALARM_THRESHOLDS.lambdaThrottles,
    });
    expect(DEFAULT_ALARM_THRESHOLDS).toEqual({ authorizerErrors: 5, serverErrorRate: 0.01, jwksFailuresPerBrand: 10, deniesPerBrand: 1000, dynamoDbThrottles: 1, lambdaThrottles: 1 });
    for (const alarm of alarms.values()) {
      expect(alarm.Properties).toMatchObject({ ComparisonOperator: 'GreaterThanOrEqualToThreshold', TreatMissingData: 'notBreaching' });
      expect(alarm.Properties.AlarmActions).toBeUndefined();
    }
  });

  test('watches JWKS failures and denies of every brand with one Metrics Insights alarm each, grouped by brand', () => {
    const query = (id: string) => alarms.get(id)?.Properties.Metrics?.map((metric) => metric.Expression);
    expect(query('JwksFailuresPerBrand')).toEqual(['SELECT SUM(JwksFailures) FROM SCHEMA("CiamGateway", brand, service) GROUP BY brand ORDER BY SUM() DESC LIMIT 10']);
    expect(query('DeniesPerBrand')).toEqual([
      `SELECT SUM(Decisions) FROM SCHEMA("CiamGateway", brand, outcome, service) WHERE outcome != 'allow' GROUP BY brand ORDER BY SUM() DESC LIMIT 10`,
    ]);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { Metrics: Match.arrayWith([Match.objectLike({ Expression: Match.stringLikeRegexp('JwksFailures'), Period: 300 })]) });
  });

  test("counts the authorizer's own failures, not Lambda's Errors (every refused token is one of those)", () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: 'FILL(internal, 0) + FILL(store, 0)' }),
        Match.objectLike({ Id: 'internal', MetricStat: Match.objectLike({ Metric: { Dimensions: [{ Name: 'service', Value: 'ciam-authorizer' }], MetricName: 'Refused_INTERNAL', Namespace: 'CiamGateway' } }) }),
      ]),
    });
    expect(JSON.stringify(template.findResources('AWS::CloudWatch::Alarm'))).not.toContain('"MetricName":"Errors"');
  });

  test('alarms on the 5xx share of the stage for two periods, and on throttles of every table and function', () => {
    expect(alarms.get('ServerErrorRate')?.Properties).toMatchObject({ EvaluationPeriods: 2 });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Metrics: Match.arrayWith([Match.objectLike({ MetricStat: { Metric: Match.objectLike({ MetricName: '5XXError', Namespace: 'AWS/ApiGateway' }), Period: 300, Stat: 'Average' } })]),
    });
    const throttleIds = (id: string) => (alarms.get(id)?.Properties.Metrics ?? []).filter((metric) => metric.Expression === undefined).length;
    expect(throttleIds('DynamoDbThrottles')).toBe(2 * Object.keys(template.findResources('AWS::DynamoDB::GlobalTable')).length);
    expect(throttleIds('RouteFunctionThrottles')).toBe(Object.keys(template.findResources('AWS::Lambda::Function')).length - 2); // not the authorizer nor the cache flush
  });

  test('has one dashboard: the whole gateway, then the top brands, denies by reason and throttles', () => {
    const dashboards = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
    expect(dashboards).toHaveLength(1);
    const body = JSON.stringify(dashboards[0]);
    for (const title of ['Requests', '4xx and 5xx', 'Latency p50 / p99', 'Authorizer duration p50 / p99', 'Authorizer invocations and failures', 'Throttles', 'Denies by reason', 'Top brands: decisions', 'Top brands: denies', 'Top brands: JWKS failures']) {
      expect(body).toContain(`\\"title\\":\\"${title}\\"`);
    }
    expect(body).toContain('GROUP BY outcome');
  });

  // Usage plans publish no metric: the quota panels read the access log, whose lines carry the brand and the reason.
  test("has quota panels: the usage plans' 429s and key refusals over time and by brand, from the stage's access log", () => {
    const [dashboard] = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
    const rendered = (value: unknown): string =>
      typeof value === 'string' ? value : 'Fn::Join' in (value as object) ? (value as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1].map(rendered).join('') : `<${(value as { Ref: string }).Ref}>`;
    const { widgets } = JSON.parse(rendered(dashboard?.Properties.DashboardBody)) as { widgets: { type: string; properties: { title: string; query?: string } }[] };
    const logGroupId = Object.keys(template.findResources('AWS::Logs::LogGroup')).find((id) => id.includes('AccessLogs')) as string;
    const source = `SOURCE '<${logGroupId}>' | filter responseType in ['THROTTLED', 'QUOTA_EXCEEDED', 'INVALID_API_KEY']\n| `;
    expect(widgets.filter((widget) => widget.type === 'log').map(({ properties }) => [properties.title, properties.query])).toEqual([
      ['Usage plans: throttled and over quota', `${source}stats count(*) as requests by bin(5m), responseType`],
      ['Top brands: throttled, over quota, key refused', `${source}stats count(*) as requests by brand, responseType\n| sort requests desc\n| limit 10`],
    ]);
    const format = JSON.parse(template.findResources('AWS::ApiGateway::Stage')[Object.keys(template.findResources('AWS::ApiGateway::Stage'))[0] as string]?.Properties.AccessLogSetting.Format);
    expect(format).toMatchObject({ brand: '$context.authorizer.brandId', responseType: '$context.error.responseType', apiKeyId: '$context.identity.apiKeyId', status: '$context.status' });
  });
});

describe('alarm options', () => {
  test('sends every alarm and its return to OK to the SNS topic given, at the thresholds given', () => {
    const app = testApp();
    const topicStack = new Stack(app, 'Topics');
    const topic = new Topic(topicStack, 'Alarms');
    const stack = new CiamGatewayStack(app, 'CiamGateway-dev', { stageConfig: resolveStageConfig('dev'), alarmTopic: topic, alarmThresholds: { deniesPerBrand: 50 } });
    const alarms = alarmsOf(Template.fromStack(stack));
    expect(alarms.size).toBe(7);
    for (const alarm of alarms.values()) {
      expect(alarm.Properties.AlarmActions).toHaveLength(1);
      expect(alarm.Properties.OKActions).toEqual(alarm.Properties.AlarmActions);
    }
    expect(alarms.get('DeniesPerBrand')?.Properties.Threshold).toBe(50);
    expect(alarms.get('JwksFailuresPerBrand')?.Properties.Threshold).toBe(DEFAULT_ALARM_THRESHOLDS.jwksFailuresPerBrand);
  });
});
