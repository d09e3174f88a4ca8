export { CiamAuthorizer, type CiamAuthorizerFunctionProps, type CiamAuthorizerProps } from './ciam-authorizer';
export { CIAM_AUTHORIZER_DEFAULTS } from './ciam-authorizer-defaults';
export { CiamGatewayStack, type CiamGatewayStackProps } from './ciam-gateway-stack';
export { GATEWAY_RESPONSES, INTEGRATION_TIMEOUT_MS, type GatewayResponseDefinition, type GatewayResponseType } from './gateway-responses';
export { resolveStageConfig, type StageConfig } from './stage-config';
