import type { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { createUsageKeySync } from '../../lambdas/adapters/usage-key-sync';
import type { StoredBrand } from '../../lambdas/adapters/brand-item';

/** API Gateway's answers by command name: two plans share the standard plan's name (another stack made one). */
const answers: Record<string, unknown> = {
  UpdateApiKeyCommand: {},
  GetUsagePlansCommand: { items: [{ id: 'p1', name: 'ciam-gateway-dev-standard' }, { id: 'p2', name: 'ciam-gateway-dev-standard' }] },
};

it('puts no key in a plan whose name another plan has, and reports the sync as failed', async () => {
  const sent: string[] = [];
  const apiGateway = { send: async (command: object) => {
    const name = command.constructor.name;
    sent.push(name);
    return answers[name];
  } } as unknown as APIGatewayClient;
  const sync = createUsageKeySync({ apiGateway, keyNamePrefix: 'ciam-gateway-dev-', usagePlans: { standard: 'ciam-gateway-dev-standard' }, recordKey: async () => undefined });
  const stored = { config: { brandId: 'acme', tier: 'standard', status: 'active' }, usageKey: { id: 'k1', value: 'v'.repeat(40) } } as unknown as StoredBrand;
  expect(await sync(stored)).toEqual({ ok: false, code: expect.any(String) });
  expect(sent).not.toContain('CreateUsagePlanKeyCommand');
});
