import { readAuthorizerContext } from '../adapters/authorizer-context';
import type { Observability } from '../adapters/observability';
import { json, type ProxyHandler } from '../adapters/proxy-response';
import { proxyHandlerFromEnvironment, withErrorResponses } from '../adapters/with-error-responses';

export interface WhoamiDependencies {
  /** Epoch milliseconds: a cached decision past its `validUntil` is refused. @default Date.now */
  readonly now?: () => number;
  /** @default Powertools logs and EMF metrics */
  readonly observability?: Observability;
}

/** Echoes what the authorizer established about the caller. */
export function createWhoamiHandler(deps: WhoamiDependencies = {}): ProxyHandler {
  const now = deps.now ?? Date.now;
  return withErrorResponses(async (event) => json(200, readAuthorizerContext(event, now())), deps.observability);
}

export const handler = proxyHandlerFromEnvironment('basic', () => createWhoamiHandler());
