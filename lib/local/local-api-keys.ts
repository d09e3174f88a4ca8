import type { QuotaTier, QuotaTiers } from '../../lambdas/core/quota-tiers';

/**
 * API Gateway's API keys and usage plans, as the emulator plays them: the control-plane calls the admin API's key sync
 * makes (CreateApiKey, GetApiKeys, UpdateApiKey, CreateUsagePlanKey, DeleteUsagePlanKey) on their REST wire format, so
 * the real SDK client talks to it, and the data plane's metering of each request on the key the authorizer returned:
 * a token bucket per key (refilled at the plan's rate, `burstLimit` deep) and a daily quota, on the emulator's clock.
 * One usage plan per tier, `local-<tier>` its id and its name.
 */
export type Admission = 'admitted' | 'INVALID_API_KEY' | 'THROTTLED' | 'QUOTA_EXCEEDED';

interface ApiKey {
  readonly id: string;
  readonly name: string;
  readonly value: string;
  enabled: boolean;
}

interface Meter {
  tokens: number;
  refilledAt: number;
  day: number;
  used: number;
}

export interface ControlPlaneReply {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

const DAY_MS = 86_400_000;

/** The usage plan id of a tier in local mode, as USAGE_PLAN_IDS names it. */
export function localUsagePlanId(tier: string): string {
  return `local-${tier}`;
}

export class LocalApiKeys {
  private readonly keys = new Map<string, ApiKey>();
  /** Plan id → its tier's limits and its keys' ids. */
  private readonly plans: Map<string, { readonly tier: QuotaTier; readonly keyIds: Set<string> }>;
  private readonly meters = new Map<string, Meter>();
  private nextId = 1;

  constructor(tiers: QuotaTiers) {
    this.plans = new Map(Object.entries(tiers).map(([name, tier]) => [localUsagePlanId(name), { tier, keyIds: new Set<string>() }]));
  }

  /** `{ tier: plan name }`: the admin API's USAGE_PLANS in local mode (a local plan's name is its id). */
  usagePlans(): Record<string, string> {
    return Object.fromEntries([...this.plans.keys()].map((id) => [id.slice('local-'.length), id]));
  }

  /**
   * Meters one request on `usageIdentifierKey` at `nowMs`. As API Gateway: no key, an unknown or disabled key, or a
   * key in no plan is 403 (INVALID_API_KEY); over the daily quota or out of tokens is 429.
   */
  admit(usageIdentifierKey: string | undefined, nowMs: number): Admission {
    const key = [...this.keys.values()].find((candidate) => candidate.value === usageIdentifierKey);
    if (!key?.enabled) return 'INVALID_API_KEY';
    const plan = [...this.plans.values()].find((candidate) => candidate.keyIds.has(key.id));
    if (!plan) return 'INVALID_API_KEY';
    const day = Math.floor(nowMs / DAY_MS);
    const meter = this.meters.get(key.id) ?? { tokens: plan.tier.burstLimit, refilledAt: nowMs, day, used: 0 };
    this.meters.set(key.id, meter);
    if (meter.day !== day) Object.assign(meter, { day, used: 0 });
    meter.tokens = Math.min(plan.tier.burstLimit, meter.tokens + (Math.max(0, nowMs - meter.refilledAt) / 1000) * plan.tier.rateLimit);
    meter.refilledAt = nowMs;
    if (meter.used >= plan.tier.dailyQuota) return 'QUOTA_EXCEEDED';
    if (meter.tokens < 1) return 'THROTTLED';
    meter.tokens -= 1;
    meter.used += 1;
    return 'admitted';
  }

  /** One control-plane call; `path` is relative to the API Gateway endpoint (`/apikeys`, `/usageplans/…`). */
  controlPlane(method: string, path: string, query: URLSearchParams, body: string): ControlPlaneReply {
    let input: Record<string, unknown>;
    try {
      input = body === '' ? {} : (JSON.parse(body) as Record<string, unknown>);
    } catch {
      return failure(400, 'BadRequestException', 'Invalid JSON body');
    }
    const planKeys = /^\/usageplans\/([^/]+)\/keys(?:\/([^/]+))?$/.exec(path);
    const keyPath = /^\/apikeys\/([^/]+)$/.exec(path);
    if (method === 'POST' && path === '/apikeys') {
      const key: ApiKey = { id: `key${this.nextId++}`, name: String(input.name ?? ''), value: String(input.value ?? ''), enabled: input.enabled === true };
      if (key.value.length < 20) return failure(400, 'BadRequestException', 'API Key value should be at least 20 characters');
      this.keys.set(key.id, key);
      return ok(201, view(key, true));
    }
    if (method === 'GET' && path === '/usageplans') {
      return ok(200, { item: [...this.plans.keys()].map((id) => ({ id, name: id })) });
    }
    if (method === 'GET' && path === '/apikeys') {
      const prefix = query.get('name') ?? '';
      const values = query.get('includeValues') === 'true';
      return ok(200, { item: [...this.keys.values()].filter((key) => key.name.startsWith(prefix)).map((key) => view(key, values)) });
    }
    if (method === 'PATCH' && keyPath) {
      const key = this.keys.get(decodeURIComponent(keyPath[1] as string));
      if (!key) return failure(404, 'NotFoundException', 'Invalid API Key identifier specified');
      for (const operation of (input.patchOperations ?? []) as { op?: string; path?: string; value?: string }[]) {
        if (operation.op === 'replace' && operation.path === '/enabled') key.enabled = operation.value === 'true';
      }
      return ok(200, view(key, false));
    }
    if (planKeys) {
      const plan = this.plans.get(decodeURIComponent(planKeys[1] as string));
      if (!plan) return failure(404, 'NotFoundException', 'Invalid Usage Plan ID specified');
      if (method === 'POST' && planKeys[2] === undefined) {
        const key = this.keys.get(String(input.keyId));
        if (!key) return failure(404, 'NotFoundException', 'Invalid API Key identifier specified');
        if (plan.keyIds.has(key.id)) return failure(409, 'ConflictException', 'Usage Plan already contains the key');
        plan.keyIds.add(key.id);
        return ok(201, { id: key.id, type: 'API_KEY', name: key.name });
      }
      if (method === 'DELETE' && planKeys[2] !== undefined) {
        if (!plan.keyIds.delete(decodeURIComponent(planKeys[2]))) return failure(404, 'NotFoundException', 'Invalid Usage Plan Key identifier specified');
        return { statusCode: 202, headers: {}, body: '' };
      }
    }
    return failure(404, 'NotFoundException', `no emulated control-plane call ${method} ${path}`);
  }
}

function view(key: ApiKey, withValue: boolean): Record<string, unknown> {
  return { id: key.id, name: key.name, enabled: key.enabled, ...(withValue ? { value: key.value } : {}) };
}

function ok(statusCode: number, body: unknown): ControlPlaneReply {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

/** API Gateway's error shape: the SDK reads the error's name from `x-amzn-errortype`. */
function failure(statusCode: number, type: string, message: string): ControlPlaneReply {
  return { statusCode, headers: { 'content-type': 'application/json', 'x-amzn-errortype': type }, body: JSON.stringify({ message }) };
}
