import { Annotations, Aspects, Stack, type Duration } from 'aws-cdk-lib';
import { ApiKeySourceType, AuthorizationType, CfnMethod, CfnRestApi, GatewayResponse, IdentitySource, RequestAuthorizer, ResponseType, RestApi, type IAuthorizer, type IRestApi } from 'aws-cdk-lib/aws-apigateway';
import type { IConstruct } from 'constructs';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { routeScopeOverlaps, routeScopesProblems, type RouteScopes } from '../lambdas/core/route-scopes';
import { registerApiStage } from './api-stage-registry';
import { REVOCATION_BUDGET, revocationDelay } from './ciam-authorizer-defaults';
import { corsResponseHeaders, GATEWAY_RESPONSES, type GatewayResponseType } from './gateway-responses';

/** CORS on the authorizer's gateway responses. */
export interface CiamCorsOptions {
  /**
   * The origin browser apps call the API from, or `*`: exactly one, since a gateway response's headers are fixed
   * values. `*` is sound for an API that takes bearer tokens, which browsers never send on their own.
   */
  readonly allowOrigins: readonly string[];
}

/** How `authorizerFor` guards one RestApi. */
export interface AuthorizerForOptions {
  /**
   * Scopes the routes of this API need on top of the brand's `requiredScopes`, by `"METHOD /path"` (resource path
   * with `{param}` segments; `ANY` for every method). A token lacking them gets a Deny for that route. A `{param}` is
   * `*` in the policy and `*` matches across `/`, so a Deny for `GET /orders/{id}` also covers
   * `GET /orders/{id}/items`: synth warns when a named route lies under another with other scopes.
   * @default {} - every route needs only a valid token of the brand
   */
  readonly routeScopes?: RouteScopes;
  /**
   * Adds the RFC 6750 gateway responses (`GATEWAY_RESPONSES`: 401 invalid_token, 403 insufficient_scope, 401 when the
   * authorizer fails) to the API. Turn off when the API defines its own.
   * @default true
   */
  readonly gatewayResponses?: boolean;
  /**
   * CORS headers on those gateway responses, so a browser app can read a 401 or 403. Preflights must not reach the
   * authorizer (browsers send no Authorization on them): give the API CDK's `defaultCorsPreflightOptions` (or
   * `addCorsPreflight`), whose OPTIONS methods are never authorized, and allow the `X-Brand-Id` header there.
   * @default - no CORS headers
   */
  readonly cors?: CiamCorsOptions;
  /**
   * Per-brand quotas on this API: its stage joins every tier's usage plan, the API takes API keys from the authorizer
   * (`apiKeySourceType: AUTHORIZER`, the brand's key as `usageIdentifierKey`), and every method the authorizer guards
   * requires one (`apiKeyRequired`). Without it the API is metered by no plan: only its stage's throttling applies,
   * and the brand's key the authorizer returns is ignored. Needs a CiamAuthorizer made with `quotaTiers` (the plans
   * are in its stack), or `CiamAuthorizer.fromStage` (the API joins the deployed stage's plans at deploy time).
   * @default false
   */
  readonly quotas?: boolean;
}

export interface ApiAuthorizersProps {
  /** The authorizer function every API's authorizer invokes. */
  readonly handler: IFunction;
  /** The gateway stage of that function, a literal name: each API's stage is registered under it for cache flushes. */
  readonly stage: string;
  /** How long API Gateway caches a decision per (Authorization, X-Brand-Id). */
  readonly resultsCacheTtl: Duration;
  /** How long the function keeps a subject's and session's revocation state: with `resultsCacheTtl`, the revocation delay. */
  readonly revocationCacheTtl: Duration;
  /**
   * How long the function keeps a brand's config in memory, recorded with each API's registration.
   * @default - not recorded: an imported function is the gateway's own, whose TTL the admin API knows
   */
  readonly brandConfigCacheTtl?: Duration;
  /**
   * Problems with one API's route scopes beyond their shape, named with the other option problems before anything is
   * made: an owned authorizer checks its environment's size, an imported one refuses route scopes.
   */
  readonly routeScopesProblems: (api: IRestApi, routeScopes: RouteScopes) => readonly string[];
  /**
   * Adds an API to the tier usage plans (`quotas: true`).
   * @default - none: an authorizer without quota tiers refuses `quotas: true`
   */
  readonly addToQuotaPlans?: (api: RestApi) => void;
}

/** The id of the synth warning about overlapping route scopes, for `Annotations.acknowledgeWarning`. */
export const ROUTE_SCOPE_OVERLAP_WARNING = '@ciam-gateway/route-scope-overlap';

/** The id of the synth warning about a revocation delay over REVOCATION_BUDGET, for `Annotations.acknowledgeWarning`. */
export const REVOCATION_BUDGET_WARNING = '@ciam-gateway/revocation-budget';

interface Attached {
  readonly authorizer: RequestAuthorizer;
  readonly routeScopes: RouteScopes;
  readonly optionsKey: string;
}

/**
 * One REQUEST authorizer per RestApi over one function, made on the first `authorizerFor(api)` and memoised, so each
 * API gets exactly one Lambda invoke permission; each API's stage is registered (`registerApiStage`) so that the
 * admin API's authorizer-cache flush reaches it. Shared by the CiamAuthorizer construct and the authorizer imported
 * from a deployed stage.
 */
export class ApiAuthorizers {
  private readonly attached = new Map<IRestApi, Attached>();

  constructor(
    private readonly owner: Construct,
    private readonly props: ApiAuthorizersProps,
  ) {}

  /** The route scopes of each API attached so far, in attachment order. */
  public get routeScopes(): ReadonlyMap<IRestApi, RouteScopes> {
    return new Map([...this.attached].map(([api, { routeScopes }]) => [api, routeScopes]));
  }

  /**
   * The authorizer of `api`. Options are given once, by the first call (the same options again are fine); later calls
   * without options return the same authorizer.
   */
  public authorizerFor(api: IRestApi, options?: AuthorizerForOptions): IAuthorizer {
    const known = this.attached.get(api);
    if (known) {
      if (options !== undefined && optionsKey(options) !== known.optionsKey) {
        throw new Error(`${this.owner.node.path}: ${api.node.path} already has its CIAM authorizer, made with other options: give an API's options once`);
      }
      return known.authorizer;
    }
    const given = options ?? {};
    const problems = this.problems(api, given);
    if (problems.length > 0) {
      throw new Error(`Invalid authorizerFor(${api.node.path}) options at ${this.owner.node.path}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    }

    // Under the API, as its methods and gateway responses are: one CIAM authorizer per API.
    const authorizer = new RequestAuthorizer(api, 'CiamAuthorizer', {
      handler: this.props.handler,
      identitySources: [IdentitySource.header('Authorization'), IdentitySource.header('X-Brand-Id')],
      resultsCacheTtl: this.props.resultsCacheTtl,
    });
    if (given.gatewayResponses ?? true) addGatewayResponses(api, given.cors?.allowOrigins[0]);
    const routeScopes = given.routeScopes ?? {};
    warnAboutOverlaps(api, routeScopes);
    warnAboutRevocationDelay(api, this.props.resultsCacheTtl, this.props.revocationCacheTtl);
    registerApiStage(this.owner, { stage: this.props.stage, api, brandConfigCacheTtl: this.props.brandConfigCacheTtl });
    if (given.quotas && api instanceof RestApi && this.props.addToQuotaPlans) meterOnQuotaPlans(api, this.props.addToQuotaPlans);
    this.attached.set(api, { authorizer, routeScopes, optionsKey: optionsKey(given) });
    return authorizer;
  }

  private problems(api: IRestApi, options: AuthorizerForOptions): string[] {
    const problems: string[] = [];
    if (Stack.of(api) !== Stack.of(this.owner)) {
      // The authorizer names the function and the function's permission names the authorizer: a cross-stack cycle.
      problems.push(
        `the API is in stack ${Stack.of(api).stackName}, the authorizer in ${Stack.of(this.owner).stackName}: make the CiamAuthorizer in the API's ` +
          'stack, or use CiamAuthorizer.fromStage there',
      );
    }
    if (options.routeScopes !== undefined) {
      const shape = routeScopesProblems(options.routeScopes).map((p) => `routeScopes ${p}`);
      problems.push(...shape);
      if (shape.length === 0) problems.push(...this.props.routeScopesProblems(api, options.routeScopes));
    }
    if (options.cors !== undefined) problems.push(...corsProblems(options.cors));
    if (options.quotas && !this.props.addToQuotaPlans) {
      problems.push('quotas: this authorizer has no usage plans; make the CiamAuthorizer with quotaTiers, or use CiamAuthorizer.fromStage, whose APIs join the deployed stage\'s plans');
    } else if (options.quotas && !(api instanceof RestApi)) {
      problems.push('quotas: the API must be a RestApi of this stack, whose deployment stage joins the usage plans');
    }
    return problems;
  }
}

/** One origin, with scheme and host and nothing after, or `*`. */
const ORIGIN = /^(\*|https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?)$/;

function corsProblems(cors: CiamCorsOptions): string[] {
  if (cors.allowOrigins.length !== 1) {
    return [`cors.allowOrigins must name exactly one origin or '*' (got ${cors.allowOrigins.length}): a gateway response's headers are fixed values`];
  }
  const origin = cors.allowOrigins[0] as string;
  return ORIGIN.test(origin) ? [] : [`cors.allowOrigins: ${JSON.stringify(origin)} is not '*' or an origin such as https://app.example.com`];
}

/**
 * Makes `api` answer authorizer rejections and failures as `GATEWAY_RESPONSES` says, with CORS headers for
 * `allowOrigin` when given.
 */
function addGatewayResponses(api: IRestApi, allowOrigin: string | undefined): void {
  const cors = allowOrigin === undefined ? {} : corsResponseHeaders(allowOrigin);
  for (const type of Object.keys(GATEWAY_RESPONSES) as GatewayResponseType[]) {
    const response = GATEWAY_RESPONSES[type];
    // Under the API, as RestApi.addGatewayResponse does: an API has one response per type.
    new GatewayResponse(api, `CiamGatewayResponse${type}`, {
      restApi: api,
      type: ResponseType.of(type),
      statusCode: String(response.statusCode),
      responseHeaders: Object.fromEntries(Object.entries({ ...response.headers, ...cors }).map(([name, value]) => [name, `'${value}'`])),
      templates: { [response.contentType]: JSON.stringify(response.body) },
    });
  }
}

function warnAboutOverlaps(api: IRestApi, routeScopes: RouteScopes): void {
  const overlaps = routeScopeOverlaps(routeScopes);
  if (overlaps.length === 0) return;
  const lines = overlaps.map((o) => `${o.route} also needs ${o.alsoNeeds.join(' ')}: the Deny for ${o.coveredBy} covers it`);
  Annotations.of(api).addWarningV2(
    ROUTE_SCOPE_OVERLAP_WARNING,
    `CIAM route scopes overlap (a {param} is * in the policy, and * matches across /): ${lines.join('; ')}`,
  );
}

function warnAboutRevocationDelay(api: IRestApi, resultsCacheTtl: Duration, revocationCacheTtl: Duration): void {
  const delay = revocationDelay(resultsCacheTtl, revocationCacheTtl).toSeconds();
  if (delay <= REVOCATION_BUDGET.toSeconds()) return;
  Annotations.of(api).addWarningV2(
    REVOCATION_BUDGET_WARNING,
    `A revoked token may get through this API for up to ${delay} s (resultsCacheTtl ${resultsCacheTtl.toSeconds()} s + the authorizer's ` +
      `revocation cache TTL ${revocationCacheTtl.toSeconds()} s), over the ${REVOCATION_BUDGET.toSeconds()} s budget: lower resultsCacheTtl, or acknowledge this warning`,
  );
}

/** Options as a comparable string; route keys in order, so the same map written another way compares equal. */
function optionsKey(options: AuthorizerForOptions): string {
  const routeScopes = Object.entries(options.routeScopes ?? {}).sort(([a], [b]) => a.localeCompare(b));
  return JSON.stringify([routeScopes, options.gatewayResponses ?? true, options.cors?.allowOrigins ?? null, options.quotas ?? false]);
}

/**
 * API keys from the authorizer, required on every method it guards (methods added later included, hence an aspect),
 * and the API's stage on every tier's plan.
 */
function meterOnQuotaPlans(api: RestApi, addToQuotaPlans: (api: RestApi) => void): void {
  (api.node.defaultChild as CfnRestApi).apiKeySourceType = ApiKeySourceType.AUTHORIZER;
  Aspects.of(api).add({
    visit(node: IConstruct) {
      if (node instanceof CfnMethod && node.authorizationType === AuthorizationType.CUSTOM) node.apiKeyRequired = true;
    },
  });
  addToQuotaPlans(api);
}
