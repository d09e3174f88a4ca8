import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { ItemGetter } from './brand-config-repository';
import { DYNAMODB_LOCAL_ACCESS } from './dynamodb-local-access';


/** The one way handlers reach DynamoDB: DynamoDB Local's endpoint in local mode, and at most one retry. */
export function createDocumentClient(env: { readonly dynamodbEndpoint: string | undefined }): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(new DynamoDBClient({ ...(env.dynamodbEndpoint ? { endpoint: env.dynamodbEndpoint, ...DYNAMODB_LOCAL_ACCESS } : {}), maxAttempts: 2 }));
}

/** Single-item reads through the SDK's document client. */
export function documentItemGetter(client: DynamoDBDocumentClient): ItemGetter {
  return { getItem: async (TableName, Key) => (await client.send(new GetCommand({ TableName, Key }))).Item };
}
