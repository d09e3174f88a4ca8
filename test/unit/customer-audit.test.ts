import { auditRecord, maskProfileFields } from '../../lambdas/core/customer-audit';
import { maskEmail, maskMobile, maskName, maskValue } from '../../lambdas/core/mask';
import { BRAND, ciam, FakeStore, link, NOW } from './customer-fakes';

describe('auditRecord', () => {
  it('dates the record from the request clock and names who, what and why', () => {
    const record = auditRecord({ brandId: BRAND, requestId: 'req-9', now: NOW }, { cuid: 'cuid-1', customerId: 'c-1' }, 'link_refused', ['email'], { email: 'j***@example.com' }, 'identifier_taken');
    expect(record).toEqual({
      brandId: BRAND, cuid: 'cuid-1', customerId: 'c-1', requestId: 'req-9', at: '2024-01-02T03:04:05.000Z',
      action: 'link_refused', changedFields: ['email'], masked: { email: 'j***@example.com' }, reason: 'identifier_taken',
    });
  });

  it('has no reason key at all when nothing was refused', () => {
    const record = auditRecord({ brandId: BRAND, requestId: 'r', now: NOW }, { cuid: 'c', customerId: 'id' }, 'profile_updated', [], {});
    expect(Object.keys(record)).not.toContain('reason');
  });
});

describe('maskProfileFields', () => {
  it('masks each field with the mask for its kind, and leaves out fields the profile lacks', () => {
    expect(maskProfileFields(ciam({ lastName: undefined }), ['firstName', 'lastName', 'email', 'mobile'])).toEqual({
      firstName: 'J***', email: 'j***@example.com', mobile: '+44*******123',
    });
  });

  it('masks only the fields asked for', () => {
    expect(maskProfileFields(ciam(), ['email'])).toEqual({ email: 'j***@example.com' });
  });
});

describe('masking', () => {
  it.each([
    [maskEmail, 'john@example.com', 'j***@example.com'],
    [maskEmail, 'not-an-email', '***'],
    [maskEmail, '@example.com', '***'],
    [maskMobile, '+447700900123', '+44*******123'],
    [maskMobile, '+12345', '***'],
    [maskName, 'John', 'J***'],
    [maskName, 'Émilie', 'É***'],
    [maskName, '😀face', '😀***'],
    [maskName, '', ''],
    [maskValue, 'Leeds', 'L***'],
    [maskValue, 42, '***'],
  ] as const)('%p(%p) → %p', (mask, value, expected) => {
    expect((mask as (v: string | number) => string)(value)).toBe(expected);
  });

  it('never puts a raw value in an audit record', async () => {
    const store = new FakeStore();
    await link(store, ciam());
    await link(store, ciam({ firstName: 'Janet', email: 'janet@example.com' }));
    const audit = JSON.stringify(store.audit);
    for (const raw of ['Jane', 'Doe', 'jane@example.com', 'janet@example.com', '+447700900123']) expect(audit).not.toContain(raw);
  });
});
