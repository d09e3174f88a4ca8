import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';

/** A proxy integration's handler. */
export type ProxyHandler = (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;

/** A JSON response for a proxy integration; never cached, since every answer is about one caller. */
export function json(statusCode: number, body: unknown, headers: Readonly<Record<string, string>> = {}): APIGatewayProxyResult {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers },
    body: JSON.stringify(body),
  };
}
