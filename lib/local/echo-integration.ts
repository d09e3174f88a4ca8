import { json, type ProxyHandler } from '../../lambdas/adapters/proxy-response';

/**
 * The integration behind a consumer's routes in local mode (LOCAL_ROUTES_FILE): it answers 200 with what its own
 * integration would get from API Gateway, so a consumer sees which route matched and what the authorizer passed on.
 */
export const echoIntegration: ProxyHandler = async (event) =>
  json(200, {
    method: event.httpMethod,
    path: event.path,
    resource: event.resource,
    pathParameters: event.pathParameters,
    authorizer: event.requestContext.authorizer,
  });
