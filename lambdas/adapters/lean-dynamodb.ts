/**
 * The authorizer's DynamoDB client: the few reads it makes, as signed JSON calls without the AWS SDK
 * (lean-aws-json.ts: SigV4 over node:https, the SDK's retries, errors named as DynamoDB names them).
 */
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { AwsCallError, LeanAwsJsonClient, type LeanAwsOptions } from './lean-aws-json';

export type LeanDynamoDbOptions = LeanAwsOptions;

type DynamoDbItem = Parameters<typeof unmarshall>[0];
interface BatchGetAnswer {
  readonly Responses?: Readonly<Record<string, DynamoDbItem[]>>;
  readonly UnprocessedKeys?: Readonly<Record<string, { readonly Keys?: unknown[] }>>;
}

const marshallKey = (key: Readonly<Record<string, string>>) => Object.fromEntries(Object.entries(key).map(([name, value]) => [name, { S: value }]));

export class LeanDynamoDb {
  private readonly client: LeanAwsJsonClient;

  constructor(options: LeanDynamoDbOptions) {
    this.client = new LeanAwsJsonClient(options, { service: 'dynamodb', targetPrefix: 'DynamoDB_20120810', jsonVersion: '1.0' });
  }

  /** One item by its key (string attributes only), as plain JavaScript values; undefined when there is none. */
  async getItem(tableName: string, key: Readonly<Record<string, string>>): Promise<Record<string, unknown> | undefined> {
    const { Item } = (await this.call('GetItem', { TableName: tableName, Key: marshallKey(key) })) as { Item?: DynamoDbItem };
    return Item ? unmarshall(Item) : undefined;
  }

  /**
   * Several items of one table by their keys (string attributes only), in one request, in no particular order.
   * Keys DynamoDB leaves unprocessed (under throttling) are asked again with the same backoff; any still left after
   * the last attempt fail the call, so a caller never takes a missing item for an absent one. `consistentRead` reads
   * every write acknowledged before the request (at twice the read units).
   */
  async batchGetItem(
    tableName: string,
    keys: readonly Readonly<Record<string, string>>[],
    options: { readonly consistentRead?: boolean } = {},
  ): Promise<Record<string, unknown>[]> {
    const found: Record<string, unknown>[] = [];
    let pending: unknown[] = keys.map(marshallKey);
    const consistency = options.consistentRead ? { ConsistentRead: true } : {};
    for (let attempt = 1; ; attempt += 1) {
      const answer = (await this.call('BatchGetItem', { RequestItems: { [tableName]: { Keys: pending, ...consistency } } })) as BatchGetAnswer;
      found.push(...(answer.Responses?.[tableName] ?? []).map((item) => unmarshall(item)));
      pending = answer.UnprocessedKeys?.[tableName]?.Keys ?? [];
      if (pending.length === 0) return found;
      if (attempt >= this.client.attempts) throw new AwsCallError('UnprocessedKeys', `BatchGetItem: ${pending.length} keys unprocessed`, 200);
      await this.client.backOff(attempt);
    }
  }

  /** One DynamoDB API call (`X-Amz-Target: DynamoDB_20120810.<operation>`), retried as the SDK would. */
  call(operation: string, payload: unknown): Promise<unknown> {
    return this.client.call(operation, payload);
  }
}
