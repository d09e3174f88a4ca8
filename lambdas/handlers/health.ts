import type { APIGatewayProxyResult } from 'aws-lambda';
import { json } from '../adapters/http-response';

/** Public liveness check. */
export const handler = async (): Promise<APIGatewayProxyResult> => json(200, { status: 'ok' });
