import { AwsClient } from 'aws4fetch';
import { baselineAuthorizer, brandOfItem } from './baseline-authorizer';

/**
 * The lean cold-start baseline (`coldRatioVsLean`): the same authorizer with the brand read as one SigV4-signed
 * DynamoDB GetItem over `fetch` (aws4fetch) in place of the SDK.
 */
const env = process.env;
const region = env.AWS_REGION ?? 'us-east-1';
const aws = new AwsClient({
  accessKeyId: env.AWS_ACCESS_KEY_ID ?? '',
  secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? '',
  sessionToken: env.AWS_SESSION_TOKEN,
  region,
  service: 'dynamodb',
});
const endpoint = env.DYNAMODB_ENDPOINT ?? `https://dynamodb.${region}.amazonaws.com`;

export const handler = baselineAuthorizer(async (brandId) => {
  const response = await aws.fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.GetItem' },
    body: JSON.stringify({ TableName: env.BRAND_TABLE_NAME, Key: { brandId: { S: brandId } } }),
  });
  if (!response.ok) throw new Error(`GetItem answered ${response.status}`);
  return brandOfItem(((await response.json()) as { Item?: Parameters<typeof brandOfItem>[0] }).Item);
});
