import type { RevocationLookup } from '../core/authorize-request';
import { cachedLookup } from '../core/cached-lookup';
import { revocationKey, type RevocationState } from '../core/revocation';
import type { LeanDynamoDb } from './lean-dynamodb';
import { translateError } from './library-errors';

/** Tokens of distinct (brand, subject, session) whose revocation state an instance keeps. */
const MAX_ENTRIES = 10_000;

/**
 * The authorizer's view of the revocation table: for a token's subject and session, one batched, strongly consistent
 * read (both keys in one BatchGetItem) through the lean client, kept `ttlMs` from when it was made. "Nothing revoked" is kept the same way, so a warm decision
 * reads nothing; a read that fails is not kept, and the token is refused (the authorizer fails closed).
 */
export function cachedRevocationLookup(dynamodb: LeanDynamoDb, tableName: string, ttlMs: number, now?: () => number): RevocationLookup {
  const lookup = cachedLookup<RevocationState>(
    async (cacheKey) => {
      const [brandId, sub, sid] = JSON.parse(cacheKey) as [string, string, string | null];
      const subKey = revocationKey({ kind: 'sub', brandId, sub });
      const sidKey = sid === null ? undefined : revocationKey({ kind: 'sid', brandId, sid });
      let items: Record<string, unknown>[];
      try {
        // Strongly consistent: a revocation acknowledged before the read is seen, so the budget has no replication lag in it.
        items = await dynamodb.batchGetItem(tableName, [{ pk: subKey }, ...(sidKey ? [{ pk: sidKey }] : [])], { consistentRead: true });
      } catch (err) {
        throw translateError(err, 'dynamodb');
      }
      const of = (pk: string | undefined, attribute: string) => {
        const value = items.find((item) => item.pk === pk)?.[attribute];
        return typeof value === 'number' ? value : undefined;
      };
      return { subRevokedBefore: of(subKey, 'revokedBefore'), sidRevokedAt: of(sidKey, 'revokedAt') };
    },
    { ttlMs, maxEntries: MAX_ENTRIES, now },
  );
  return async (brandId, sub, sid) => (await lookup(JSON.stringify([brandId, sub, sid ?? null]))) ?? {};
}
