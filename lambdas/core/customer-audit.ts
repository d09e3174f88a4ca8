import type { CustomerProfile, ProfileField } from './customer';
import { maskEmail, maskMobile, maskName } from './mask';

/** The audit record every customer change (and every refusal) writes: field names and masked values only. */

export type AuditAction =
  | 'customer_created'
  | 'customer_linked'
  | 'link_refused'
  | 'profile_updated'
  | 'registration_merged'
  | 'identifier_changed'
  | 'identifier_change_refused';

export type RefusalReason = 'identifier_unverified' | 'customer_linked_elsewhere' | 'identifier_taken' | 'identifier_not_verified';

export interface AuditRecord {
  readonly brandId: string;
  readonly cuid: string;
  readonly customerId: string;
  readonly requestId: string;
  /** ISO 8601. */
  readonly at: string;
  readonly action: AuditAction;
  /** Field names only. */
  readonly changedFields: readonly string[];
  /** Field name → masked value: never the value itself. */
  readonly masked: Readonly<Record<string, string>>;
  /** Why a link or identifier change was refused. */
  readonly reason?: RefusalReason;
}

/** The request a record is about: every use case has these. `now` is epoch milliseconds. */
export interface AuditContext {
  readonly brandId: string;
  readonly requestId: string;
  readonly now: number;
}

export function auditRecord(
  context: AuditContext,
  subject: { readonly cuid: string; readonly customerId: string },
  action: AuditAction,
  changedFields: readonly string[],
  masked: Readonly<Record<string, string>>,
  reason?: RefusalReason,
): AuditRecord {
  return {
    brandId: context.brandId,
    cuid: subject.cuid,
    customerId: subject.customerId,
    requestId: context.requestId,
    at: new Date(context.now).toISOString(),
    action,
    changedFields,
    masked,
    ...(reason ? { reason } : {}),
  };
}

const MASKS: Readonly<Record<ProfileField, (value: string) => string>> = { firstName: maskName, lastName: maskName, email: maskEmail, mobile: maskMobile };

/** The masked values of `fields`, each with the mask for its kind; fields the profile lacks are left out. */
export function maskProfileFields(profile: CustomerProfile, fields: readonly ProfileField[]): Record<string, string> {
  return Object.fromEntries(fields.flatMap((name) => {
    const value = profile[name];
    return value === undefined ? [] : [[name, MASKS[name](value)]];
  }));
}
