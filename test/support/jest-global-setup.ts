import { startDynamoDbLocal } from '../../lib/local/dynamodb-local';

/** One DynamoDB Local for the whole run; each suite creates its own uniquely named tables in it. */
export default async function globalSetup(): Promise<void> {
  const dynamodb = await startDynamoDbLocal();
  process.env.DYNAMODB_ENDPOINT = dynamodb.endpoint; // inherited by the workers jest starts after this
  (globalThis as { __dynamodbLocal__?: unknown }).__dynamodbLocal__ = dynamodb;
}
