import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { activityFromSeries, cloudWatchMetrics } from '../../../lib/console/cloudwatch-metrics';

it('reads Insights series labelled "<brand> <outcome>" as each brand\'s minutes, allowed and denied by reason', () => {
  const minute = (n: number) => new Date(Date.UTC(2026, 0, 1, 12, n));
  const at = (n: number) => minute(n).getTime() / 1000;
  expect(activityFromSeries([
    { Label: 'shop allow', Timestamps: [minute(1), minute(0)], Values: [5, 3] },
    { Label: 'shop deny_token', Timestamps: [minute(1)], Values: [2] },
    { Label: 'shop deny_revoked', Timestamps: [minute(1)], Values: [1] },
    { Label: '- deny_brand_unknown', Timestamps: [minute(0)], Values: [7] },
    { Label: 'unlabelled', Timestamps: [minute(0)], Values: [1] },
  ])).toEqual({
    shop: { minutes: [
      { at: at(0), allowed: 3, denied: {}, deniedTotal: 0 },
      { at: at(1), allowed: 5, denied: { deny_token: 2, deny_revoked: 1 }, deniedTotal: 3 },
    ] },
    '-': { minutes: [{ at: at(0), allowed: 0, denied: { deny_brand_unknown: 7 }, deniedTotal: 7 }] },
  });
});

describe('against CloudWatch\'s wire format (JSON 1.0 on a loopback server)', () => {
  let server: Server;
  const requests: { target: string | undefined; body: Record<string, unknown> }[] = [];
  /** Two pages: the client must follow NextToken. */
  const PAGES = [
    { MetricDataResults: [{ Id: 'decisions', Label: 'shop allow', Timestamps: [1_767_268_800], Values: [4], StatusCode: 'Complete' }], NextToken: 'page-2' },
    { MetricDataResults: [{ Id: 'decisions', Label: 'shop deny_scope', Timestamps: [1_767_268_800], Values: [1], StatusCode: 'Complete' }] },
  ];

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
        requests.push({ target: req.headers['x-amz-target'] as string | undefined, body });
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' }).end(JSON.stringify(PAGES[body.NextToken === 'page-2' ? 1 : 0]));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('asks for the last hour of Decisions by brand and outcome, minute by minute, and reads every page', async () => {
    const client = new CloudWatchClient({
      region: 'eu-west-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1,
      endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    });
    const now = Date.UTC(2026, 0, 1, 12, 30, 25);
    const metrics = await cloudWatchMetrics(client, () => now)();
    expect(metrics).toEqual({ shop: { minutes: [{ at: 1_767_268_800, allowed: 4, denied: { deny_scope: 1 }, deniedTotal: 1 }] } });
    expect(requests.map((r) => r.target)).toEqual(['GraniteServiceVersion20100801.GetMetricData', 'GraniteServiceVersion20100801.GetMetricData']);
    const end = Date.UTC(2026, 0, 1, 12, 30) / 1000;
    expect(requests[0]?.body).toEqual({
      StartTime: end - 3600, EndTime: end, ScanBy: 'TimestampAscending',
      MetricDataQueries: [{ Id: 'decisions', Expression: 'SELECT SUM(Decisions) FROM SCHEMA("CiamGateway", brand, outcome, service) GROUP BY brand, outcome', Period: 60 }],
    });
    expect(requests[1]?.body).toMatchObject({ NextToken: 'page-2' });
  });
});
