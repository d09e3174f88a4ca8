import { randomBytes } from 'node:crypto';
import {
  APIGatewayClient,
  CreateApiKeyCommand,
  CreateUsagePlanKeyCommand,
  DeleteUsagePlanKeyCommand,
  GetApiKeysCommand,
  GetUsagePlansCommand,
  UpdateApiKeyCommand,
} from '@aws-sdk/client-api-gateway';
import type { ErrorCode } from '../core/errors';
import type { StoredBrand, UsageKey } from './brand-item';
import { translateError } from './library-errors';
import { logger } from './observability';

/**
 * What the admin API answers, as `keySync`, about a brand's API key after storing a change: the key is enabled
 * exactly while the brand is active, and in the usage plan of the brand's tier only. `ok: false` names the stable
 * code of what failed; the change is stored anyway, and `brands sync-keys` reconciles.
 */
export type KeySyncReport =
  | { readonly ok: true; readonly keyId: string; readonly enabled: boolean; readonly tier: string }
  | { readonly ok: false; readonly code: ErrorCode };

export type UsageKeySync = (stored: StoredBrand) => Promise<KeySyncReport>;

export interface UsageKeySyncProps {
  readonly apiGateway: APIGatewayClient;
  /** The key of brand `b` is named `<keyNamePrefix><b>`: how a key made before its id was stored is found again. */
  readonly keyNamePrefix: string;
  /** `{ tier: usage plan name }`: every tier's plan of the stage. */
  readonly usagePlans: Readonly<Record<string, string>>;
  /** Records a key made or found again beside the brand's config. */
  readonly recordKey: (brandId: string, key: UsageKey) => Promise<void>;
}

/** A name two plans have: no key is put in either. */
const AMBIGUOUS = '';

/** API Gateway's control plane allows about 10 calls a second per account: each call is bounded and tried twice at most. */
const CALL_TIMEOUT_MS = 3000;

/**
 * Makes the brand's API key agree with its stored config. Idempotent, so `sync-keys` can run it over every brand:
 * the stored key, else the key of the brand's name (made before its id could be stored), else a new key with a
 * random value; enabled while the brand is active; a member of its tier's plan and of no other tier's.
 */
export function createUsageKeySync(props: UsageKeySyncProps): UsageKeySync {
  const send = <T>(command: object) => props.apiGateway.send(command as never, { abortSignal: AbortSignal.timeout(CALL_TIMEOUT_MS) }) as Promise<T>;

  const keyOfName = async (name: string): Promise<UsageKey | undefined> => {
    const { items = [] } = await send<{ items?: { id?: string; name?: string; value?: string }[] }>(new GetApiKeysCommand({ nameQuery: name, includeValues: true }));
    // nameQuery matches prefixes: the brand `acme` must not take `acme-2`'s key.
    const found = items.find((item) => item.name === name && item.id && item.value);
    return found ? { id: found.id as string, value: found.value as string } : undefined;
  };

  const setEnabled = async (id: string, enabled: boolean): Promise<boolean> => {
    try {
      await send(new UpdateApiKeyCommand({ apiKey: id, patchOperations: [{ op: 'replace', path: '/enabled', value: String(enabled) }] }));
      return true;
    } catch (err) {
      if (isNamed(err, 'NotFoundException')) return false; // deleted by hand: found again by name or made anew
      throw err;
    }
  };

  // The plans' ids by tier, looked up by name once per container (a failed lookup is tried again next time).
  let planIds: Promise<Record<string, string>> | undefined;
  const usagePlanIds = (): Promise<Record<string, string>> => {
    planIds ??= (async () => {
      const byName = new Map<string, string>();
      let position: string | undefined;
      do {
        const page = await send<{ items?: { id?: string; name?: string }[]; position?: string }>(new GetUsagePlansCommand({ position, limit: 500 }));
        for (const plan of page.items ?? []) {
          if (!plan.id || !plan.name) continue;
          // A plan of the same name elsewhere (another stack's CiamAuthorizer of this stage's quotaTiers) is not taken.
          byName.set(plan.name, byName.has(plan.name) ? AMBIGUOUS : plan.id);
        }
        position = page.position;
      } while (position);
      return Object.fromEntries(Object.entries(props.usagePlans).map(([tier, name]) => {
        const id = byName.get(name);
        if (id === undefined) throw new Error(`no usage plan named ${name}`);
        if (id === AMBIGUOUS) throw new Error(`more than one usage plan is named ${name}`);
        return [tier, id];
      }));
    })().catch((err: unknown) => {
      planIds = undefined;
      throw err;
    });
    return planIds;
  };

  return async (stored) => {
    const { brandId, tier, status } = stored.config;
    const enabled = status === 'active';
    const name = `${props.keyNamePrefix}${brandId}`;
    try {
      let key = stored.usageKey !== undefined && (await setEnabled(stored.usageKey.id, enabled)) ? stored.usageKey : undefined;
      if (key === undefined) {
        const existing = await keyOfName(name);
        if (existing !== undefined) await setEnabled(existing.id, enabled);
        key = existing ?? (await createKey(name, enabled));
      }
      for (const [planTier, usagePlanId] of Object.entries(await usagePlanIds())) {
        if (planTier === tier) await ignoring('ConflictException', () => send(new CreateUsagePlanKeyCommand({ usagePlanId, keyId: (key as UsageKey).id, keyType: 'API_KEY' })));
        else await ignoring('NotFoundException', () => send(new DeleteUsagePlanKeyCommand({ usagePlanId, keyId: (key as UsageKey).id })));
      }
      if (stored.usageKey?.id !== key.id || stored.usageKey.value !== key.value) await props.recordKey(brandId, key);
      return { ok: true, keyId: key.id, enabled, tier };
    } catch (err) {
      const error = translateError(err, 'http');
      logger.error('API key sync failed after a stored brand change', { brandId, code: error.code, reason: error.message });
      return { ok: false, code: error.code };
    }
  };

  async function createKey(name: string, enabled: boolean): Promise<UsageKey> {
    // 40 characters (API Gateway wants at least 20), never logged, returned or printed.
    const value = randomBytes(30).toString('base64url');
    const created = await send<{ id?: string }>(new CreateApiKeyCommand({ name, value, enabled, description: 'ciam-gateway: usage plans of a brand (quotas)' }));
    if (!created.id) throw new Error('CreateApiKey answered no id');
    return { id: created.id, value };
  }
}

async function ignoring(errorName: string, call: () => Promise<unknown>): Promise<void> {
  try {
    await call();
  } catch (err) {
    if (!isNamed(err, errorName)) throw err;
  }
}

function isNamed(err: unknown, name: string): boolean {
  return (err as { name?: unknown } | null)?.name === name;
}
