import {
  logoutTokenKey,
  revocationKey,
  type Revocation,
  type RevocationRequest,
  type RevocationState,
  type RevocationStore,
  type RevocationTarget,
} from '../../lambdas/core/revocation';

/** The revocation store in memory, with the DynamoDB store's rules: a subject's watermark only moves forward. */
export class FakeRevocationStore implements RevocationStore {
  readonly records = new Map<string, { revokedAt: number; source: string; expiresAt: number }>();
  readonly audited: { revocation: Revocation; request: RevocationRequest }[] = [];
  readonly usedJtis = new Set<string>();

  async revoke(revocation: Revocation, request: RevocationRequest): Promise<void> {
    this.audited.push({ revocation, request });
    const key = revocationKey(revocation.target);
    const existing = this.records.get(key);
    if (existing && (revocation.target.kind === 'sid' || existing.revokedAt >= revocation.revokedAt)) return;
    this.records.set(key, { revokedAt: revocation.revokedAt, source: revocation.source, expiresAt: 0 });
  }

  async stateOf(brandId: string, sub: string, sid?: string): Promise<RevocationState> {
    const subject = this.records.get(revocationKey({ kind: 'sub', brandId, sub }));
    const session = sid === undefined ? undefined : this.records.get(revocationKey({ kind: 'sid', brandId, sid }));
    return { ...(subject ? { subRevokedBefore: subject.revokedAt } : {}), ...(session ? { sidRevokedAt: session.revokedAt } : {}) };
  }

  async firstUseOfLogoutToken(brandId: string, jti: string): Promise<boolean> {
    const key = logoutTokenKey(brandId, jti);
    if (this.usedJtis.has(key)) return false;
    this.usedJtis.add(key);
    return true;
  }

  async find(target: RevocationTarget) {
    const record = this.records.get(revocationKey(target));
    return record ? { target, ...record } : undefined;
  }
}
