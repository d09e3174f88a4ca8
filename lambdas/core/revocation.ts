import { MAX_CLOCK_TOLERANCE_SECONDS, MAX_TOKEN_AGE_LIMIT_SECONDS } from './brand-config';

/**
 * Revocations, keyed on claims and never on a token, so that all of a user's (or a session's) tokens die together:
 * - per (brand, `sub`): a `revokedBefore` watermark (epoch seconds); a token of that subject with `iat` ≤ it is dead;
 * - per (brand, `sid`): a revoked session; every token carrying that `sid` is dead.
 * The revocation table holds them, one item each, keyed by `pk` (`revocationKey`), expiring through DynamoDB TTL.
 */
export type RevocationTarget =
  | { readonly kind: 'sub'; readonly brandId: string; readonly sub: string }
  | { readonly kind: 'sid'; readonly brandId: string; readonly sid: string };

/** Who revoked: the user (`POST /v1/logout`), the brand's CIAM (back-channel logout) or an operator (admin API). */
export type RevocationSource = 'logout' | 'backchannel' | 'admin';

export interface Revocation {
  readonly target: RevocationTarget;
  /** Epoch seconds: for a subject, its `revokedBefore` watermark; for a session, when it was revoked. */
  readonly revokedAt: number;
  readonly source: RevocationSource;
}

/** What the store holds for one token's subject and session; absent means never revoked. */
export interface RevocationState {
  /** The subject's `revokedBefore` watermark, epoch seconds. */
  readonly subRevokedBefore?: number;
  /** When the token's session was revoked, epoch seconds. */
  readonly sidRevokedAt?: number;
}

/** The table's partition key of a revocation: `SUB#<brand>#<sub>` or `SID#<brand>#<sid>`. */
export function revocationKey(target: RevocationTarget): string {
  return target.kind === 'sub' ? `SUB#${target.brandId}#${target.sub}` : `SID#${target.brandId}#${target.sid}`;
}

/**
 * A record must outlive every token it kills, whatever a brand's settings become later: a token lives at most the
 * largest maximum age any brand may set, plus the largest clock tolerance. So a later raise of a brand's maximum age
 * cannot bring a revoked token back to life.
 */
export const REVOCATION_LIFETIME_SECONDS = MAX_TOKEN_AGE_LIMIT_SECONDS + MAX_CLOCK_TOLERANCE_SECONDS;

/** The record's DynamoDB TTL (`expiresAt`, epoch seconds). */
export function revocationExpiresAt(revokedAt: number): number {
  return revokedAt + REVOCATION_LIFETIME_SECONDS;
}

/** Whether a verified token (its `iat` and `sid` claims) is dead by the state the store holds for it. */
export function isRevoked(token: { readonly iat: number; readonly sid?: string }, state: RevocationState): boolean {
  if (state.subRevokedBefore !== undefined && token.iat <= state.subRevokedBefore) return true;
  return token.sid !== undefined && state.sidRevokedAt !== undefined;
}

/** Who asked for a revocation, for the audit record written with it. */
export interface RevocationRequest {
  readonly requestId: string;
  /** The IAM caller for an operator, the subject itself for a logout, the brand's issuer for a back-channel logout. */
  readonly actor: string;
}

/** The table's partition key of a logout token's `jti`, remembered until the token expires: `JTI#<brand>#<jti>`. */
export function logoutTokenKey(brandId: string, jti: string): string {
  return `JTI#${brandId}#${jti}`;
}

/** The revocation table as the routes use it (the authorizer reads it through its own lean client). */
export interface RevocationStore {
  /**
   * Records a revocation and its audit record, together; a subject's watermark only ever moves forward (a revocation
   * it already covers is audited, and changes nothing).
   */
  revoke(revocation: Revocation, request: RevocationRequest): Promise<void>;
  /** What is recorded for a subject and, when given, one of its sessions. */
  stateOf(brandId: string, sub: string, sid?: string): Promise<RevocationState>;
  /**
   * Records a logout token's `jti` until `expiresAt` (epoch seconds); false when it was already recorded: a replay.
   * Atomic, so that two concurrent deliveries of one token cannot both succeed.
   */
  firstUseOfLogoutToken(brandId: string, jti: string, expiresAt: number): Promise<boolean>;
}
