import type { RunningDynamoDbLocal } from '../../lib/local/dynamodb-local';

export default async function globalTeardown(): Promise<void> {
  await (globalThis as { __dynamodbLocal__?: RunningDynamoDbLocal }).__dynamodbLocal__?.stop();
}
