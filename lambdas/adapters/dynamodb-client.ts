import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** The one way handlers reach DynamoDB: DynamoDB Local's endpoint in local mode, and at most one retry. */
export function createDocumentClient(env: { readonly dynamodbEndpoint: string | undefined }): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(new DynamoDBClient({ ...(env.dynamodbEndpoint ? { endpoint: env.dynamodbEndpoint } : {}), maxAttempts: 2 }));
}
