import { json, readAuthorizerContext, withErrorResponses } from '../adapters/http-response';

/** Echoes what the authorizer established about the caller. */
export const handler = withErrorResponses(async (event) => json(200, readAuthorizerContext(event)));
