import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** DynamoDB Local accepts any credentials: local mode never reaches for the developer's AWS settings. */
const DYNAMODB_LOCAL = { region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } as const;

/** The one way handlers reach DynamoDB: DynamoDB Local's endpoint in local mode, and at most one retry. */
export function createDocumentClient(env: { readonly dynamodbEndpoint: string | undefined }): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(new DynamoDBClient({ ...(env.dynamodbEndpoint ? { endpoint: env.dynamodbEndpoint, ...DYNAMODB_LOCAL } : {}), maxAttempts: 2 }));
}
