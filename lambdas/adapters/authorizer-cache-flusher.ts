import { APIGatewayClient, FlushStageAuthorizersCacheCommand } from '@aws-sdk/client-api-gateway';
import { translateError } from './library-errors';

/**
 * Empties API Gateway's authorizer result cache for the stage, so a brand change reaches tokens already seen
 * at once instead of after the result-cache TTL. In AWS that is FlushStageAuthorizersCache; in local mode the
 * emulator offers the same operation on loopback.
 */
export type AuthorizerCacheFlusher = () => Promise<void>;

export function createAuthorizerCacheFlusher(env: { readonly restApiId?: string; readonly stage: string; readonly localGatewayUrl?: string }): AuthorizerCacheFlusher | undefined {
  if (env.localGatewayUrl) {
    const url = `${env.localGatewayUrl}/_emulator/authorizer-cache`;
    return async () => {
      const response = await fetch(url, { method: 'DELETE', signal: AbortSignal.timeout(3000) }).catch((err: unknown) => {
        throw translateError(err, 'http');
      });
      if (!response.ok) throw translateError(new Error(`local gateway answered ${response.status}`), 'http');
    };
  }
  if (!env.restApiId) return undefined;
  const client = new APIGatewayClient({ maxAttempts: 2 });
  return async () => {
    try {
      await client.send(new FlushStageAuthorizersCacheCommand({ restApiId: env.restApiId, stageName: env.stage }));
    } catch (err) {
      throw translateError(err, 'http');
    }
  };
}
