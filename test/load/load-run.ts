import autocannon from 'autocannon';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../../lambdas/adapters/dynamodb-client';
import { LOCAL_TABLE_NAMES } from '../../lib/local/local-mode';
import { makeKey, signToken } from '../support/tokens';
import { startLoadWorld, type LoadWorld } from './load-world';

/**
 * `npm run load`: a realistic mix through local mode (many brands, many distinct tokens, some junk, some revoked,
 * some customer writes), driven by autocannon; with `--faults`, the same mix again while one fault at a time is
 * injected. Each phase checks its promises (README, "Load and faults"); after the run, every customer write that got
 * a 2xx must be in the customers table, no uniqueness item may be orphaned, and the audit trail must match.
 */
export interface LoadOptions {
  readonly brands: number;
  readonly usersPerBrand: number;
  readonly revokedPerBrand: number;
  readonly connections: number;
  readonly seconds: number;
  readonly faults: boolean;
  /** How long DynamoDB is unreachable in the outage fault. */
  readonly outageSeconds: number;
  readonly log: (line: string) => void;
}

export const DEFAULT_LOAD: Omit<LoadOptions, 'faults' | 'log'> = { brands: 50, usersPerBrand: 40, revokedPerBrand: 2, connections: 20, seconds: 20, outageSeconds: 10 };
/** What the e2e test runs: every phase, in seconds. */
export const QUICK_LOAD: Omit<LoadOptions, 'faults' | 'log'> = { brands: 5, usersPerBrand: 6, revokedPerBrand: 1, connections: 4, seconds: 2, outageSeconds: 2 };

type Kind = 'valid' | 'revoked' | 'junk-token' | 'junk-brand' | 'link' | 'new-kid' | 'opaque' | 'opaque-new';

/**
 * The status each kind of request must get. `new-kid` names a key its brand has not published; `opaque-new` is an
 * opaque token never seen before, sent only while its brand's introspection endpoint fails.
 */
const EXPECTED: Readonly<Record<Kind, number>> = {
  valid: 200, revoked: 401, 'junk-token': 401, 'junk-brand': 401, link: 200, 'new-kid': 401, opaque: 200, 'opaque-new': 401,
};

/** One cycle of the default mix: 15 valid, 2 customer writes, 1 revoked, 1 malformed token, 1 junk brand id. */
const DEFAULT_MIX: readonly Kind[] = [...Array<Kind>(15).fill('valid'), 'link', 'link', 'revoked', 'junk-token', 'junk-brand'];
/** The junk burst: half junk brand ids and malformed tokens. */
const JUNK_MIX: readonly Kind[] = ['valid', 'junk-brand', 'valid', 'junk-token', 'link', 'junk-brand', 'valid', 'junk-token'];

export interface PhaseReport {
  readonly phase: string;
  readonly requests: number;
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Answers by status ("error" for a connection error or timeout). */
  readonly statuses: Record<string, number>;
  /** Requests that did not get the status their kind expects, by kind and status. */
  readonly unexpected: Record<string, number>;
  /** Valid requests allowed, of those sent, for the faulted brand and for the others. */
  readonly served: { readonly faultedBrand: string; readonly others: string };
  readonly promises: readonly { readonly promise: string; readonly kept: boolean }[];
}

export interface LoadReport {
  readonly phases: readonly PhaseReport[];
  readonly consistency: { readonly writes: number; readonly missing: number; readonly orphanedClaims: number; readonly customersWithoutAudit: number; readonly kept: boolean };
  readonly ok: boolean;
}

export async function runLoad(options: LoadOptions): Promise<LoadReport> {
  const world = await startLoadWorld({ brands: options.brands, usersPerBrand: options.usersPerBrand, revokedPerBrand: options.revokedPerBrand });
  try {
    const written = new Set<string>();
    const faulted = world.brands[0]?.brandId ?? '';
    const rotatedKey = await makeKey(`${faulted}-k2`);
    const phases: PhaseReport[] = [];
    const run = (phase: string, mix: readonly Kind[], promises: (report: Tally) => PhaseReport['promises'], during?: (elapsed: () => number) => Promise<void>) =>
      runPhase(world, options, { phase, mix, faulted, written, promises, during, rotatedKey }).then((report) => {
        phases.push(report);
        options.log(formatPhase(report));
      });

    await run('steady', DEFAULT_MIX, (t) => [{ promise: 'no error: every request got the status its kind expects', kept: t.unexpectedCount === 0 }]);
    if (options.faults) {
      await run(
        `dynamodb unreachable ${options.outageSeconds} s`,
        DEFAULT_MIX,
        (t) => [
          { promise: 'no 500, 502 or 504 and no connection error: refusals are 401, writes that cannot be stored 503', kept: !t.statuses['500'] && !t.statuses['502'] && !t.statuses['504'] && !t.statuses.error },
          { promise: 'tokens already seen by a warm instance kept being allowed for a while (caches in front of the table)', kept: t.validServed.others.ok > 0 },
        ],
        async (elapsed) => {
          await until(elapsed, 1);
          world.setDynamoDbReachable(false);
          await until(elapsed, 1 + options.outageSeconds);
          world.setDynamoDbReachable(true);
        },
      );
      await run('after dynamodb came back', DEFAULT_MIX, (t) => [{ promise: 'everything answers as before the outage', kept: t.unexpectedCount === 0 }]);
      for (const mode of ['down', 'slow'] as const) {
        world.setJwksMode(faulted, mode);
        await run(
          `jwks of ${faulted} ${mode}`,
          [...DEFAULT_MIX, 'new-kid'],
          (t) => [
            { promise: `${faulted}: tokens of keys already cached still allowed`, kept: t.validServed.faulted.ok === t.validServed.faulted.sent },
            { promise: 'other brands: every request as expected', kept: t.unexpectedOthers === 0 },
            { promise: `a token naming a key ${faulted} has not published is refused 401`, kept: (t.unexpected[`new-kid ${401}`] ?? 0) === 0 },
          ],
        );
        world.setJwksMode(faulted, 'up');
      }
      // The opaque brand's tokens are introspected once (the gateway keeps the answers), then its endpoint fails.
      for (const token of world.opaque.tokens) {
        const status = (await fetch(`${world.local.gatewayUrl}/v1/whoami`, { headers: { authorization: `Bearer ${token}`, 'x-brand-id': world.opaque.brandId } })).status;
        if (status !== 200) throw new Error(`an opaque token of ${world.opaque.brandId} got ${status} before the fault`);
      }
      world.opaque.setIntrospectionMode('error');
      await run(
        `introspection of ${world.opaque.brandId} answering 500`,
        [...DEFAULT_MIX, 'opaque', 'opaque-new'],
        (t) => [
          { promise: `${world.opaque.brandId}: tokens introspected before still allowed (answers kept)`, kept: !Object.keys(t.unexpected).some((key) => key.startsWith('opaque ')) },
          { promise: `${world.opaque.brandId}: a token never introspected is refused 401, never a 5xx (fail closed)`, kept: !Object.keys(t.unexpected).some((key) => key.startsWith('opaque-new ')) },
          { promise: 'other brands: every request as expected', kept: Object.keys(t.unexpected).every((key) => key.startsWith('opaque')) },
        ],
      );
      world.opaque.setIntrospectionMode('up');
      await run('junk burst', JUNK_MIX, (t) => [
        { promise: 'junk brand ids and malformed tokens refused 401, real brands unaffected', kept: t.unexpectedCount === 0 },
      ]);
    }

    const consistency = await checkConsistency(world, written);
    options.log(
      `== consistency: ${consistency.writes} customer writes answered 2xx, ${consistency.missing} missing from the customers table, ` +
        `${consistency.orphanedClaims} orphaned uniqueness items, ${consistency.customersWithoutAudit} customers without an audit record`,
    );
    const ok = consistency.kept && phases.every((phase) => phase.promises.every((promise) => promise.kept));
    return { phases, consistency, ok };
  } finally {
    await world.stop();
  }
}

interface Tally {
  readonly statuses: Record<string, number>;
  readonly unexpected: Record<string, number>;
  unexpectedCount: number;
  unexpectedOthers: number;
  readonly validServed: { readonly faulted: { sent: number; ok: number }; readonly others: { sent: number; ok: number } };
}

interface PhaseSettings {
  readonly phase: string;
  readonly mix: readonly Kind[];
  readonly faulted: string;
  readonly written: Set<string>;
  readonly promises: (tally: Tally) => PhaseReport['promises'];
  readonly during?: ((elapsed: () => number) => Promise<void>) | undefined;
  readonly rotatedKey: Awaited<ReturnType<typeof makeKey>>;
}

interface Planned {
  readonly kind: Kind;
  readonly brandId: string;
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
}

async function runPhase(world: LoadWorld, options: LoadOptions, settings: PhaseSettings): Promise<PhaseReport> {
  const { mix, faulted, written } = settings;
  const newKidToken = await signToken(settings.rotatedKey, { iss: world.brands[0]?.issuer, sub: 'user-new-kid', aud: 'loyalty-api', iat: Math.floor(Date.now() / 1000), exp: Math.floor(Date.now() / 1000) + 3600 });
  let sequence = 0;
  const plan = (): Planned => {
    const n = sequence++;
    const kind = mix[n % mix.length] as Kind;
    const brand = world.brands[Math.floor(n / mix.length) % world.brands.length] ?? world.brands[0];
    if (!brand) throw new Error('no brand');
    const user = world.revokedPerBrand + ((n * 7) % (brand.tokens.length - world.revokedPerBrand));
    const bearer = (token: string, brandId = brand.brandId) => ({ authorization: `Bearer ${token}`, 'x-brand-id': brandId });
    switch (kind) {
      case 'revoked':
        return { kind, brandId: brand.brandId, method: 'GET', path: '/v1/whoami', headers: bearer(brand.tokens[n % world.revokedPerBrand] as string) };
      case 'junk-token':
        return { kind, brandId: brand.brandId, method: 'GET', path: '/v1/whoami', headers: bearer(`junk.${n}.token`) };
      case 'junk-brand':
        return { kind, brandId: '-', method: 'GET', path: '/v1/whoami', headers: bearer(brand.tokens[user] as string, `junk-${n}`) };
      case 'new-kid':
        return { kind, brandId: faulted, method: 'GET', path: '/v1/whoami', headers: bearer(newKidToken, faulted) };
      case 'opaque':
        return { kind, brandId: world.opaque.brandId, method: 'GET', path: '/v1/whoami', headers: bearer(world.opaque.tokens[n % world.opaque.tokens.length] as string, world.opaque.brandId) };
      case 'opaque-new':
        return { kind, brandId: world.opaque.brandId, method: 'GET', path: '/v1/whoami', headers: bearer(world.opaque.newToken(), world.opaque.brandId) };
      case 'link':
        return {
          kind, brandId: brand.brandId, method: 'POST', path: '/v1/customers/link',
          headers: { ...bearer(brand.tokens[user] as string), 'content-type': 'application/json' },
          body: JSON.stringify({ idToken: brand.idTokens[user] }),
        };
      default:
        return { kind, brandId: brand.brandId, method: 'GET', path: '/v1/whoami', headers: bearer(brand.tokens[user] as string) };
    }
  };

  const tally: Tally = { statuses: {}, unexpected: {}, unexpectedCount: 0, unexpectedOthers: 0, validServed: { faulted: { sent: 0, ok: 0 }, others: { sent: 0, ok: 0 } } };
  const record = (planned: Planned | undefined, status: number, body?: string) => {
    tally.statuses[status] = (tally.statuses[status] ?? 0) + 1;
    if (!planned) return;
    if (planned.kind === 'valid') {
      const served = planned.brandId === faulted ? tally.validServed.faulted : tally.validServed.others;
      served.sent += 1;
      if (status === 200) served.ok += 1;
    }
    if (planned.kind === 'link' && status === 200 && body) written.add((JSON.parse(body) as { customerId: string }).customerId);
    if (status !== EXPECTED[planned.kind]) {
      const key = `${planned.kind} ${status}`;
      tally.unexpected[key] = (tally.unexpected[key] ?? 0) + 1;
      tally.unexpectedCount += 1;
      if (planned.brandId !== faulted) tally.unexpectedOthers += 1;
    }
  };

  const startedAt = Date.now();
  const during = settings.during?.(() => (Date.now() - startedAt) / 1000);
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: world.local.gatewayUrl,
        connections: options.connections,
        duration: options.seconds + (settings.during ? options.outageSeconds + 2 : 0),
        timeout: 10,
        requests: [
          {
            setupRequest: (request, context) => {
              const planned = plan();
              (context as { planned?: Planned }).planned = planned;
              return { ...request, method: planned.method, path: planned.path, headers: planned.headers, ...(planned.body === undefined ? {} : { body: planned.body }) };
            },
            onResponse: (status, body, context) => record((context as { planned?: Planned }).planned, status, body),
          },
        ],
      },
      (err, done) => (err ? reject(err as Error) : resolve(done)),
    );
    instance.on('error', reject);
  });
  await during;
  // Connection errors and timeouts (autocannon counts timeouts among its errors).
  if (result.errors > 0) tally.statuses.error = result.errors;
  const ratio = ({ sent, ok }: { sent: number; ok: number }) => `${ok}/${sent}`;
  return {
    phase: settings.phase,
    requests: result.requests.total,
    requestsPerSecond: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    statuses: tally.statuses,
    unexpected: tally.unexpected,
    served: { faultedBrand: ratio(tally.validServed.faulted), others: ratio(tally.validServed.others) },
    promises: settings.promises(tally),
  };
}

async function until(elapsed: () => number, seconds: number): Promise<void> {
  const wait = (seconds - elapsed()) * 1000;
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
}

/** Every customer answered 2xx is stored; every uniqueness item points at a stored customer; every customer is audited. */
async function checkConsistency(world: LoadWorld, written: ReadonlySet<string>): Promise<LoadReport['consistency']> {
  const client = createDocumentClient({ dynamodbEndpoint: world.local.dynamodbEndpoint });
  try {
    const scan = async (TableName: string) => {
      const items: Record<string, unknown>[] = [];
      let ExclusiveStartKey: Record<string, unknown> | undefined;
      do {
        const page = await client.send(new ScanCommand({ TableName, ExclusiveStartKey, ConsistentRead: true }));
        items.push(...(page.Items ?? []));
        ExclusiveStartKey = page.LastEvaluatedKey;
      } while (ExclusiveStartKey);
      return items;
    };
    const items = await scan(LOCAL_TABLE_NAMES.customers);
    // A customer item holds the customer; a uniqueness item holds only its key and the customer it belongs to.
    const customers = new Set(items.filter((item) => 'brandId' in item).map((item) => String(item.customerId)));
    const claims = items.filter((item) => !('brandId' in item));
    const audited = new Set((await scan(LOCAL_TABLE_NAMES.audit)).map((record) => String(record.customerId)));
    const missing = [...written].filter((id) => !customers.has(id)).length;
    const orphanedClaims = claims.filter((claim) => !customers.has(String(claim.customerId))).length;
    const customersWithoutAudit = [...customers].filter((id) => !audited.has(id)).length;
    return { writes: written.size, missing, orphanedClaims, customersWithoutAudit, kept: missing === 0 && orphanedClaims === 0 && customersWithoutAudit === 0 };
  } finally {
    client.destroy();
  }
}

export function formatPhase(report: PhaseReport): string {
  const lines = [
    `== ${report.phase}: ${report.requests} requests, ${report.requestsPerSecond} req/s, p50 ${report.p50Ms} ms, p99 ${report.p99Ms} ms`,
    `   statuses ${JSON.stringify(report.statuses)}; unexpected ${JSON.stringify(report.unexpected)}; valid allowed: faulted brand ${report.served.faultedBrand}, others ${report.served.others}`,
    ...report.promises.map(({ promise, kept }) => `   ${kept ? 'kept  ' : 'BROKEN'} ${promise}`),
  ];
  return lines.join('\n');
}
