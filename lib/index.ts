export { registerApiStage, type ApiStageRegistration } from './api-stage-registry';
export { BrandQuotaPlans, type BrandQuotaPlansProps } from './brand-quota-plans';
export { REVOCATION_BUDGET_WARNING, ROUTE_SCOPE_OVERLAP_WARNING, type AuthorizerForOptions, type CiamCorsOptions } from './ciam-api-authorizers';
export { CiamAuthorizer, type CiamAuthorizerFunctionProps, type CiamAuthorizerProps } from './ciam-authorizer';
export { CIAM_AUTHORIZER_DEFAULTS, REVOCATION_BUDGET, revocationDelay } from './ciam-authorizer-defaults';
export { ImportedCiamAuthorizer, importCiamAuthorizer, type ImportCiamAuthorizerProps } from './ciam-authorizer-from-stage';
export { ACCESS_LOG_FIELDS, CiamGatewayApi, type CiamAuthorizerSource, type CiamGatewayApiProps } from './ciam-gateway-api';
export { CIAM_GATEWAY_API_DEFAULTS, CIAM_GATEWAY_TABLES_DEFAULTS } from './ciam-gateway-defaults';
export { CiamGatewayStack, type CiamGatewayStackProps } from './ciam-gateway-stack';
export { CiamGatewayMonitoring, DEFAULT_ALARM_THRESHOLDS, type CiamGatewayAlarmThresholds, type CiamGatewayMonitoringProps } from './ciam-gateway-monitoring';
export { CiamGatewayTables, type CiamGatewayTableSet, type CiamGatewayTablesProps } from './ciam-gateway-tables';
export { DelayedCacheFlush, type DelayedCacheFlushProps } from './delayed-cache-flush';
export { GATEWAY_RESPONSES, INTEGRATION_TIMEOUT_MS, type GatewayResponseDefinition, type GatewayResponseType } from './gateway-responses';
export { resolveStageConfig, type StageConfig } from './stage-config';
export { CiamGatewayStageParameters, type CiamGatewayStageParametersProps } from './stage-parameters';
export { joinStageQuotaPlans } from './stage-quota-plans';
export { DEFAULT_QUOTA_TIERS, DEFAULT_TIER, type QuotaTier, type QuotaTiers } from '../lambdas/core/quota-tiers';
export type { RouteScopes } from '../lambdas/core/route-scopes';
export { ROUTES, routeScopesOf, type HttpMethod, type RouteDefinition, type RouteHandlerName } from '../lambdas/core/routes';
export {
  apiRegistryParameterName, apiRegistryPath, stageParameterName, usagePlanParameterName, type ApiRegistration, type ApiStage, type StageParameter,
} from '../lambdas/core/ssm-parameter-names';
