import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { errorResponse, json, readAuthorizerContext } from '../adapters/http-response';
import { toGatewayError } from '../core/errors';

/** Echoes what the authorizer established about the caller. */
export const handler = async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
  try {
    return json(200, readAuthorizerContext(event));
  } catch (err) {
    return errorResponse(toGatewayError(err));
  }
};
