import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { AuditTrail } from '../../lambdas/adapters/audit-trail';
import type { AuditRecord } from '../../lambdas/core/customer-audit';

/** The audit table's item formats; they need no table (the client is never called). */
const trail = new AuditTrail({} as DynamoDBDocumentClient, 'audit', 30);
const AT = '2024-01-02T03:04:05.000Z';
const EXPIRES_AT = Date.parse(AT) / 1000 + 30 * 86_400;

describe('AuditTrail item formats', () => {
  it('keys customer records by brand and time, expiring after the retention dated from the record', () => {
    const record: AuditRecord = {
      brandId: 'acme', cuid: 'u-1', customerId: 'c-1', requestId: 'r-1', at: AT, action: 'customer_created', changedFields: ['email'], masked: { email: 'j***@example.com' },
    };
    expect(trail.toItem(record)).toEqual({ pk: 'BRAND#acme', sk: expect.stringMatching(new RegExp(`^${AT}#[0-9a-f-]{36}$`)), ...record, expiresAt: EXPIRES_AT });
  });

  it('keys brand-config changes apart from the brand\'s customer records, naming the changed fields', () => {
    const diff = { status: { before: 'active', after: 'disabled' } };
    const item = trail.toBrandChangeItem({ brandId: 'acme', action: 'brand_disabled', actor: 'ops', at: AT, version: 4, diff });
    expect(item).toEqual({
      pk: 'BRANDCONFIG#acme', sk: expect.stringMatching(new RegExp(`^${AT}#`)), brandId: 'acme', action: 'brand_disabled', actor: 'ops', at: AT,
      version: 4, diff, changedFields: ['status'], expiresAt: EXPIRES_AT,
    });
  });

  it('keeps two records of one millisecond apart', () => {
    const diff = {};
    const record = { brandId: 'acme', action: 'brand_created' as const, actor: 'ops', at: AT, version: 1, diff };
    expect(trail.toBrandChangeItem(record).sk).not.toBe(trail.toBrandChangeItem(record).sk);
  });
});
