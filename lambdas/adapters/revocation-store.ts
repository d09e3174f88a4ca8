import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, GetCommand, PutCommand, TransactWriteCommand, type DynamoDBDocumentClient, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { ConfigValidationError, UpstreamError } from '../core/errors';
import {
  logoutTokenKey,
  revocationExpiresAt,
  revocationKey,
  type Revocation,
  type RevocationRequest,
  type RevocationState,
  type RevocationStore,
  type RevocationTarget,
} from '../core/revocation';
import type { AuditTrail, RevocationRecord } from './audit-trail';
import { translateError } from './library-errors';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** A revocation as the admin API shows it. */
export interface StoredRevocation {
  readonly target: RevocationTarget;
  /** Epoch seconds: the subject's watermark, or when the session was revoked. */
  readonly revokedAt: number;
  readonly source: string;
  /** Epoch seconds: when DynamoDB TTL may delete the record (it outlives every token it kills). */
  readonly expiresAt: number;
}

/**
 * The revocation table (REVOCATIONS_TABLE) through the SDK's document client, for the routes: one item per revoked
 * subject or session, and one per logout token already used. Items hold claims (`sub`, `sid`, `jti`) and times,
 * never a token. Each revocation is written in one transaction with its audit record.
 */
export class DynamoRevocationStore implements RevocationStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly auditTrail: AuditTrail,
  ) {}

  async revoke(revocation: Revocation, request: RevocationRequest): Promise<void> {
    const audit: TransactItem = { Put: { TableName: this.auditTrail.tableName, Item: this.auditTrail.toRevocationItem(auditRecordOf(revocation, request)) } };
    try {
      await this.client.send(new TransactWriteCommand({ TransactItems: [{ Update: this.revocationUpdate(revocation) }, audit] }));
    } catch (err) {
      if (!(err instanceof TransactionCanceledException && err.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed')) throw translateError(err, 'dynamodb');
      // The subject's watermark is already at or past this one: nothing to move, but the request is audited all the same.
      await guarded(() => this.client.send(new PutCommand(audit.Put as NonNullable<TransactItem['Put']>)));
    }
  }

  async stateOf(brandId: string, sub: string, sid?: string): Promise<RevocationState> {
    const keys = [revocationKey({ kind: 'sub', brandId, sub }), ...(sid === undefined ? [] : [revocationKey({ kind: 'sid', brandId, sid })])];
    const items = await this.batchGet(keys);
    const subItem = items.get(keys[0] as string);
    const sidItem = keys[1] === undefined ? undefined : items.get(keys[1]);
    return {
      ...(typeof subItem?.revokedBefore === 'number' ? { subRevokedBefore: subItem.revokedBefore } : {}),
      ...(typeof sidItem?.revokedAt === 'number' ? { sidRevokedAt: sidItem.revokedAt } : {}),
    };
  }

  async firstUseOfLogoutToken(brandId: string, jti: string, expiresAt: number): Promise<boolean> {
    try {
      await this.client.send(new PutCommand({ TableName: this.tableName, Item: { pk: logoutTokenKey(brandId, jti), expiresAt }, ConditionExpression: 'attribute_not_exists(pk)' }));
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      throw translateError(err, 'dynamodb');
    }
  }

  /** What is recorded for one subject or session, or undefined. */
  async find(target: RevocationTarget): Promise<StoredRevocation | undefined> {
    const { Item: item } = await guarded(() => this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk: revocationKey(target) }, ConsistentRead: true })));
    if (!item) return undefined;
    const revokedAt = target.kind === 'sub' ? item.revokedBefore : item.revokedAt;
    return { target, revokedAt: Number(revokedAt), source: String(item.source), expiresAt: Number(item.expiresAt) };
  }

  /**
   * A subject's watermark only moves forward, so that concurrent or late revocations never bring a token back; a
   * session's record keeps when it was first revoked. Either way the record lives on for REVOCATION_LIFETIME_SECONDS.
   */
  private revocationUpdate({ target, revokedAt, source }: Revocation): NonNullable<TransactItem['Update']> {
    const common = { TableName: this.tableName, Key: { pk: revocationKey(target) } };
    const expiresAt = revocationExpiresAt(revokedAt);
    if (target.kind === 'sub') {
      return {
        ...common,
        UpdateExpression: 'SET revokedBefore = :at, expiresAt = :expiresAt, brandId = :brandId, #sub = :sub, #source = :source',
        ConditionExpression: 'attribute_not_exists(pk) OR revokedBefore < :at',
        ExpressionAttributeNames: { '#sub': 'sub', '#source': 'source' },
        ExpressionAttributeValues: { ':at': revokedAt, ':expiresAt': expiresAt, ':brandId': target.brandId, ':sub': target.sub, ':source': source },
      };
    }
    return {
      ...common,
      UpdateExpression: 'SET revokedAt = if_not_exists(revokedAt, :at), expiresAt = :expiresAt, brandId = :brandId, sid = :sid, #source = if_not_exists(#source, :source)',
      ExpressionAttributeNames: { '#source': 'source' },
      ExpressionAttributeValues: { ':at': revokedAt, ':expiresAt': expiresAt, ':brandId': target.brandId, ':sid': target.sid, ':source': source },
    };
  }

  /** One BatchGetItem, strongly consistent; keys DynamoDB leaves unprocessed are asked once more, then it fails closed. */
  private async batchGet(keys: readonly string[]): Promise<Map<string, Record<string, unknown>>> {
    const found = new Map<string, Record<string, unknown>>();
    let pending = keys.map((pk) => ({ pk }));
    for (let attempt = 0; attempt < 2 && pending.length > 0; attempt++) {
      const output = await guarded(() => this.client.send(new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: pending, ConsistentRead: true } } })));
      for (const item of output.Responses?.[this.tableName] ?? []) found.set(String(item.pk), item);
      pending = (output.UnprocessedKeys?.[this.tableName]?.Keys ?? []) as { pk: string }[];
    }
    if (pending.length > 0) throw new UpstreamError('STORE_UNAVAILABLE', 'DynamoDB left revocation keys unprocessed twice');
    return found;
  }
}

async function guarded<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw translateError(err, 'dynamodb');
  }
}

function auditRecordOf({ target, revokedAt, source }: Revocation, request: RevocationRequest): RevocationRecord {
  return {
    brandId: target.brandId,
    action: target.kind === 'sub' ? 'subject_revoked' : 'session_revoked',
    source,
    actor: request.actor,
    requestId: request.requestId,
    at: new Date(revokedAt * 1000).toISOString(),
    ...(target.kind === 'sub' ? { cuid: target.sub } : { sid: target.sid }),
  };
}

/** The revocation table's name; only a local harness (STAGE=local) may start without one, and a writer then refuses to. */
export function requiredRevocationsTable(env: { readonly revocationsTableName: string | undefined }): string {
  if (env.revocationsTableName === undefined) throw new ConfigValidationError('ENVIRONMENT_INVALID', ['REVOCATIONS_TABLE_NAME is required by this function']);
  return env.revocationsTableName;
}
