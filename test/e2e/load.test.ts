import { QUICK_LOAD, runLoad, type LoadReport } from '../load/load-run';

/**
 * `npm run load -- --faults` in its quick mode (a few brands, seconds per phase), so the load test cannot rot: every
 * phase's promises and the consistency check after it must hold, as the README states them.
 */
describe('the load test, quick', () => {
  let report: LoadReport;
  const lines: string[] = [];

  beforeAll(async () => {
    report = await runLoad({ ...QUICK_LOAD, faults: true, log: (line) => lines.push(line) });
  }, 180_000);

  it('runs the steady mix, then each fault, and keeps every promise', () => {
    expect(report.phases.map((phase) => phase.phase)).toEqual([
      'steady',
      'dynamodb unreachable 2 s',
      'after dynamodb came back',
      'jwks of load-001 down',
      'jwks of load-001 slow',
      'introspection of load-opaque answering 500',
      'junk burst',
    ]);
    for (const phase of report.phases) {
      expect({ phase: phase.phase, broken: phase.promises.filter((promise) => !promise.kept) }).toEqual({ phase: phase.phase, broken: [] });
    }
    expect(report.ok).toBe(true);
  });

  it('sent every kind of request, and answered no 5xx but the 503 of writes while DynamoDB was away', () => {
    const steady = report.phases[0];
    expect(steady?.requests).toBeGreaterThan(0);
    expect(Object.keys(steady?.statuses ?? {}).sort()).toEqual(['200', '401']);
    const outage = report.phases[1];
    expect(Object.keys(outage?.statuses ?? {}).filter((status) => status.startsWith('5') && status !== '503')).toEqual([]);
  });

  it("keeps an opaque brand's introspected tokens working while its introspection endpoint fails, and refuses new ones 401", () => {
    const introspection = report.phases[5];
    expect(introspection?.statuses['500'] ?? 0).toBe(0);
    expect(introspection?.promises.map((promise) => promise.kept)).toEqual([true, true, true]);
    expect(lines.some((line) => line.startsWith('== introspection of load-opaque answering 500: '))).toBe(true);
  });

  it('lost nothing: every 2xx write is stored, no uniqueness item is orphaned, every customer is audited', () => {
    expect(report.consistency).toMatchObject({ missing: 0, orphanedClaims: 0, customersWithoutAudit: 0, kept: true });
    expect(report.consistency.writes).toBeGreaterThan(0);
  });
});
