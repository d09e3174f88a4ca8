import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { headerValue } from '../../lambdas/adapters/http-headers';
import type { ErrorCode } from '../../lambdas/core/errors';
import { overTheWire, parseAuthorizerResult, type AuthorizerResult } from './lambda-results';

export type RequestAuthorizerHandler = (event: APIGatewayRequestAuthorizerEvent) => Promise<APIGatewayAuthorizerResult>;

/**
 * What the authorizer said for one pair of identity-source values. Every kind but `failed` is cached, with the
 * stable code of a refusal (local mode's `x-ciam-debug`), so a cached refusal still names its reason.
 */
export type Decision =
  | { readonly kind: 'authorized'; readonly result: AuthorizerResult; readonly refusalCode?: ErrorCode }
  | { readonly kind: 'unauthorized'; readonly refusalCode?: ErrorCode }
  | { readonly kind: 'failed'; readonly note: string };

export interface AuthorizerDecisionsOptions {
  readonly authorizer: RequestAuthorizerHandler;
  /** Local mode only: the code the authorizer reported for refusing this very event, asked after each call. */
  readonly refusalCodeOf?: (event: APIGatewayRequestAuthorizerEvent) => ErrorCode | undefined;
  /** 0 turns the cache off. */
  readonly resultsCacheTtlSeconds: number;
  readonly now: () => number;
}

/** The authorizer's identity sources, lower-cased: header names are case-insensitive. */
const IDENTITY_SOURCES = ['authorization', 'x-brand-id'] as const;

/**
 * API Gateway's REQUEST authorizer invocation and its results cache, keyed by the identity-source values
 * (`Authorization` and `X-Brand-Id`): one token sent to another brand is another decision.
 */
export class AuthorizerDecisions {
  private readonly cache = new Map<string, { readonly decision: Decision; readonly expiresAt: number }>();

  constructor(private readonly options: AuthorizerDecisionsOptions) {}

  /** The decision for this request, or undefined when an identity source is missing or empty (refused uncalled). */
  async decide(event: APIGatewayRequestAuthorizerEvent): Promise<Decision | undefined> {
    const identity = IDENTITY_SOURCES.map((name) => headerValue(event.headers, name));
    if (identity.some((value) => !value)) return undefined;
    const key = JSON.stringify(identity);
    const entry = this.cache.get(key);
    if (entry && entry.expiresAt > this.options.now()) return entry.decision;
    this.cache.delete(key);
    const decision = await this.invoke(event);
    if (decision.kind !== 'failed' && this.options.resultsCacheTtlSeconds > 0) {
      this.cache.set(key, { decision, expiresAt: this.options.now() + this.options.resultsCacheTtlSeconds * 1000 });
    }
    return decision;
  }

  /** API Gateway's FlushStageAuthorizersCache. */
  flush(): void {
    this.cache.clear();
  }

  private async invoke(event: APIGatewayRequestAuthorizerEvent): Promise<Decision> {
    let returned: unknown;
    try {
      returned = overTheWire(await this.options.authorizer(event));
    } catch (error) {
      // Exactly this message means 401; any other failure is API Gateway's AuthorizerConfigurationException.
      if (error instanceof Error && error.message === 'Unauthorized') return { kind: 'unauthorized', ...this.refusalCode(event) };
      return { kind: 'failed', note: 'authorizer threw' };
    }
    const result = parseAuthorizerResult(returned);
    return result ? { kind: 'authorized', result, ...this.refusalCode(event) } : { kind: 'failed', note: 'malformed authorizer result' };
  }

  private refusalCode(event: APIGatewayRequestAuthorizerEvent): { refusalCode?: ErrorCode } {
    const code = this.options.refusalCodeOf?.(event);
    return code === undefined ? {} : { refusalCode: code };
  }
}
