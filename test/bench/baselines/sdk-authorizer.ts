import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { baselineAuthorizer, brandOfItem } from './baseline-authorizer';

/**
 * The cold-start baseline (`coldRatioVsBaseline`): the brand read with `@aws-sdk/client-dynamodb`, as a Lambda
 * function written the common way would make it. Built at module scope, as Lambda's init phase expects.
 */
const client = new DynamoDBClient(process.env.DYNAMODB_ENDPOINT ? { endpoint: process.env.DYNAMODB_ENDPOINT } : {});
const tableName = process.env.BRAND_TABLE_NAME;

export const handler = baselineAuthorizer(async (brandId) => {
  const { Item } = await client.send(new GetItemCommand({ TableName: tableName, Key: { brandId: { S: brandId } } }));
  return brandOfItem(Item);
});
