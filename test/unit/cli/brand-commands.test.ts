/**
 * The brand commands through runCli against a loopback server that answers like the admin API: what is sent
 * (If-Match from the version read, bookkeeping stripped, files found where the person ran the command), what is
 * printed, and the one-line message and exit code for each refusal and for an unreachable gateway.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXIT } from '../../../lib/cli/run-cli';
import { captureCli } from './captured-cli';
import { FakeAdminApi, closedPortUrl } from './fake-admin-api';

const ADMIN_KEY = 'unit-admin-key-do-not-print';
const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJkZW1vIn0.c2lnbmF0dXJl';

let api: FakeAdminApi;
let dir: string;

beforeAll(async () => {
  api = await FakeAdminApi.start();
  dir = mkdtempSync(join(tmpdir(), 'ciam-cli-'));
});

afterAll(async () => {
  await api.stop();
  rmSync(dir, { recursive: true, force: true });
});

const local = () => ({ CIAM_GATEWAY_ENDPOINT: api.url, LOCAL_ADMIN_KEY: ADMIN_KEY });
const cli = (args: readonly string[], env: Readonly<Record<string, string | undefined>> = local(), cwd?: string) => captureCli(args, env, cwd);

const acme = { brandId: 'acme', displayName: 'Acme Loyalty', provider: 'generic-oidc', issuer: 'http://127.0.0.1:3001', applicationId: 'acme-app', clientId: 'demo-client', audiences: ['https://loyalty.example/api'] };
/** A brand as `brands get acme --json` writes it: the config plus the server's bookkeeping. */
const acmeAsRead = { ...acme, status: 'active', version: 2, updatedAt: '2025-01-01T00:00:00.000Z', updatedBy: 'arn:aws:iam::123456789012:user/ops' };

function file(name: string, content: unknown, under = dir): string {
  const path = join(under, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return path;
}

describe('output', () => {
  it('lists brands one per line, tab-separated', async () => {
    api.answerWith({ status: 200, body: { brands: [{ ...acmeAsRead, status: 'active' }, { brandId: 'shop', status: 'disabled', provider: 'auth0', version: 4, displayName: 'Shop' }] } });
    expect(await cli(['brands', 'list'])).toEqual({ code: EXIT.ok, err: '', out: 'acme\tactive\tgeneric-oidc\tv2\tAcme Loyalty\nshop\tdisabled\tauth0\tv4\tShop' });
    expect(api.lastRequest).toMatchObject({ method: 'GET', url: '/v1/admin/brands', headers: { 'x-admin-key': ADMIN_KEY } });
    api.answerWith({ status: 200, body: { brands: [] } });
    expect((await cli(['brands', 'list'])).out).toBe('no brands');
  });

  it('gets a brand as JSON a put takes back, with or without --json', async () => {
    api.answerWith({ status: 200, body: acmeAsRead, headers: { etag: '"2"' } });
    for (const args of [['brands', 'get', 'acme'], ['brands', 'get', 'acme', '--json']]) {
      const { code, out } = await cli(args);
      expect(code).toBe(EXIT.ok);
      expect(JSON.parse(out)).toEqual(acmeAsRead);
    }
    expect(api.lastRequest).toMatchObject({ method: 'GET', url: '/v1/admin/brands/acme' });
  });

  it('reports a put, a disable (with the cache flush asked for) and each check step', async () => {
    api.answerWith({ status: 201, body: { ...acme, version: 1, changedFields: ['brandId', 'displayName'] } });
    expect((await cli(['brands', 'put', '--file', file('new.json', acme)])).out).toBe('created acme at version 1; changed: brandId, displayName');
    api.answerWith({ status: 200, body: { ...acme, status: 'disabled', version: 3 } });
    expect((await cli(['brands', 'disable', 'acme', '--flush-authorizer-cache'])).out).toBe('disabled acme (version 3); its tokens are refused once caches refresh');
    expect(api.lastRequest).toMatchObject({ method: 'DELETE', url: '/v1/admin/brands/acme?flushAuthorizerCache=true' });

    const steps = [{ step: 'discovery', ok: true, detail: 'issuer and jwks_uri match' }, { step: 'jwks', ok: false, detail: 'no usable key\u001b[31m' }];
    api.answerWith({ status: 200, body: { ok: false, steps } });
    expect(await cli(['brands', 'check', 'acme', '--sample-token', TOKEN])).toEqual({
      code: EXIT.refused, err: '', out: 'ok   discovery: issuer and jwks_uri match\nFAIL jwks: no usable key[31m',
    });
    expect(api.lastRequest).toMatchObject({ method: 'POST', url: '/v1/admin/brands/acme/check', body: { sampleToken: TOKEN } });
    api.answerWith({ status: 200, body: { ok: true, steps: steps.slice(0, 1) } });
    expect((await cli(['brands', 'check', 'acme'])).code).toBe(EXIT.ok);
    expect(api.lastRequest?.body).toEqual({});
  });

  it('enables a brand, and checks a config file before it is saved, as a put would send it', async () => {
    api.answerWith({ status: 200, body: { ...acme, status: 'active', version: 4 } });
    expect(await cli(['brands', 'enable', 'acme'])).toEqual({ code: EXIT.ok, err: '', out: 'enabled acme (version 4); its tokens are accepted once caches refresh' });
    expect(api.lastRequest).toMatchObject({ method: 'POST', url: '/v1/admin/brands/acme/enable' });

    api.answerWith({ status: 200, body: { ok: true, steps: [{ step: 'discovery', ok: true, detail: 'fine' }] } });
    expect((await cli(['brands', 'check', '--file', file('draft.json', acmeAsRead), '--sample-token', TOKEN])).out).toBe('ok   discovery: fine');
    // The server's bookkeeping is stripped, as for a put, and the sample token rides beside the config.
    expect(api.lastRequest).toMatchObject({ method: 'POST', url: '/v1/admin/checks', body: { ...acme, sampleToken: TOKEN } });
    expect(api.lastRequest?.body).not.toHaveProperty('version');
    expect((await cli(['brands', 'check', 'acme', '--file', file('draft.json', acmeAsRead)])).code).toBe(EXIT.usage);
    expect((await cli(['brands', 'check'])).code).toBe(EXIT.usage);
  });

  it("prints a brand's audit trail one record per line, and the cursor of the next page", async () => {
    const entries = [
      { kind: 'revocation', at: '2025-01-02T00:00:00.000Z', action: 'session_revoked', source: 'logout', actor: 'user-1', sid: 's-1' },
      { kind: 'config', at: '2025-01-01T00:00:00.000Z', action: 'brand_disabled', actor: 'arn:aws:iam::123456789012:user/ops', version: 3 },
      { kind: 'customer', at: '2024-12-31T00:00:00.000Z', action: 'customer_created', cuid: 'user-1', customerId: 'c-1' },
    ];
    api.answerWith({ status: 200, body: { brandId: 'acme', entries, next: 'abc' } });
    expect(await cli(['brands', 'audit', 'acme', '--limit', '3', '--cursor', 'xyz'])).toEqual({
      code: EXIT.ok,
      err: '',
      out: [
        '2025-01-02T00:00:00.000Z\trevocation\tsession_revoked\tuser-1\tsid s-1',
        '2025-01-01T00:00:00.000Z\tconfig\tbrand_disabled\tarn:aws:iam::123456789012:user/ops\tv3',
        '2024-12-31T00:00:00.000Z\tcustomer\tcustomer_created\t\tuser-1 c-1',
        'more: --cursor abc',
      ].join('\n'),
    });
    expect(api.lastRequest).toMatchObject({ method: 'GET', url: '/v1/admin/brands/acme/audit?limit=3&cursor=xyz' });
    api.answerWith({ status: 200, body: { brandId: 'acme', entries: [] } });
    expect((await cli(['brands', 'audit', 'acme'])).out).toBe('no audit records');
    expect(api.lastRequest?.url).toBe('/v1/admin/brands/acme/audit');
  });

  it('revokes a subject or a session, and refuses to guess when given neither or both', async () => {
    api.answerWith({ status: 200, body: { brandId: 'acme', revoked: 'subject', sub: 'user-1', revokedAt: 1_700_000_000 } });
    expect(await cli(['brands', 'revoke', 'acme', '--sub', 'user-1'])).toEqual({ code: EXIT.ok, err: '', out: 'revoked subject user-1 of acme' });
    expect(api.lastRequest).toMatchObject({ method: 'POST', url: '/v1/admin/brands/acme/revocations', body: { sub: 'user-1' } });
    api.answerWith({ status: 200, body: { brandId: 'acme', revoked: 'session', sid: 's-1', revokedAt: 1_700_000_000 } });
    expect((await cli(['brands', 'revoke', 'acme', '--sid', 's-1'])).out).toBe('revoked session s-1 of acme');
    expect(api.lastRequest?.body).toEqual({ sid: 's-1' });
    expect((await cli(['brands', 'revoke', 'acme'])).code).toBe(EXIT.usage);
    expect((await cli(['brands', 'revoke', 'acme', '--sub', 'a', '--sid', 'b'])).code).toBe(EXIT.usage);
  });

  it('lists presets without an endpoint, all or one, as text or JSON', async () => {
    const all = await cli(['presets'], {});
    expect(all.code).toBe(EXIT.ok);
    expect(all.out).toMatch(/^generic-oidc\n/);
    const cognito = await cli(['presets', 'cognito', '--json'], {});
    expect(JSON.parse(cognito.out)).toEqual([expect.objectContaining({ provider: 'cognito', inputs: expect.arrayContaining([expect.objectContaining({ name: 'userPoolId', required: true })]) })]);
  });
});

describe('the authorizer-cache flush of a stored change', () => {
  const flushed = { ok: true, flushed: ['own/prod', 'orders/v1'], failed: [], followUpAt: ['2030-01-02T03:05:10.000Z'] };
  const short = { ok: false, reason: 'the registry of API stages could not be read (FETCH_FAILED), so no stage was flushed now\u001b[2J', flushed: [], failed: [], followUpAt: [] };

  it('says what was flushed, and when it will be again', async () => {
    api.answerWith({ status: 200, body: { ...acme, status: 'disabled', version: 3, flush: flushed } });
    expect(await cli(['brands', 'disable', 'acme'])).toEqual({
      code: EXIT.ok, err: '',
      out: 'disabled acme (version 3); its tokens are refused once caches refresh\n' +
        "flushed the authorizer caches of 2 API stages; again at 2030-01-02T03:05:10.000Z, once the authorizers' brand caches have run out",
    });
    expect(api.lastRequest).toMatchObject({ method: 'DELETE', url: '/v1/admin/brands/acme' });
  });

  it.each([
    ['put', ['brands', 'put', '--file', 'read.json', '--flush-authorizer-cache'], 'replaced acme at version 3; changed: issuer'],
    ['disable', ['brands', 'disable', 'acme'], 'disabled acme (version 3); its tokens are refused once caches refresh'],
  ])('warns on stderr, and exits 0, when a %s was stored but not every cache was flushed', async (_command, args, out) => {
    file('read.json', acmeAsRead);
    api.answerWith({ status: 200, body: { ...acme, version: 3, changedFields: ['issuer'], flush: short } });
    expect(await cli(args, { ...local(), INIT_CWD: dir })).toEqual({
      code: EXIT.ok, out,
      err: 'warning: acme is saved at version 3, but the authorizer caches were not all flushed: the registry of API stages could not be read ' +
        '(FETCH_FAILED), so no stage was flushed now[2J. Decisions cached before the change may be served until the authorizer result-cache TTL runs out.',
    });
  });

  it('keeps the warning off stdout with --json, which prints the answer, flush included', async () => {
    api.answerWith({ status: 200, body: { ...acme, status: 'disabled', version: 3, flush: short } });
    const { code, out, err } = await cli(['brands', 'disable', 'acme', '--json']);
    expect([code, JSON.parse(out).flush, err]).toEqual([EXIT.ok, short, expect.stringMatching(/^warning: acme is saved at version 3/)]);
  });
});

describe('put sends the version it read', () => {
  it('takes the version from the file as If-Match and strips the server bookkeeping from the body', async () => {
    api.answerWith({ status: 200, body: { ...acme, version: 3, changedFields: ['displayName'] } });
    const read = { ...acmeAsRead, changedFields: ['x'], flush: { ok: true }, authorizerCacheFlushed: false, authorizerCacheFlush: {} };
    const { code, out } = await cli(['brands', 'put', '--file', file('read.json', read)]);
    expect({ code, out }).toEqual({ code: EXIT.ok, out: 'replaced acme at version 3; changed: displayName' });
    expect(api.lastRequest?.headers['if-match']).toBe('"2"');
    expect(api.lastRequest?.body).toEqual({ ...acme, status: 'active' });
  });

  it('sends --if-match over the file\'s version, and no If-Match when neither says', async () => {
    api.answerWith({ status: 200, body: { ...acme, version: 8 } });
    await cli(['brands', 'put', '--file', file('read.json', acmeAsRead), '--if-match', '7']);
    expect(api.lastRequest?.headers['if-match']).toBe('"7"');
    await cli(['brands', 'put', '--file', file('plain.json', acme), '--if-match', '"5"']);
    expect(api.lastRequest?.headers['if-match']).toBe('"5"');
    api.answerWith({ status: 201, body: { ...acme, version: 1 } });
    await cli(['brands', 'put', '--file', file('plain.json', acme)]);
    expect(api.lastRequest?.headers['if-match']).toBeUndefined();
  });

  it('builds a config from a preset, with the brandId argument', async () => {
    api.answerWith({ status: 201, body: { version: 1, changedFields: [] } });
    const args = ['brands', 'put', 'shop', '--preset', 'cognito', '--input', 'region=eu-west-1', '--input', 'userPoolId=eu-west-1_AbC123xyz', '--input', 'appClientId=abc', '--display-name', 'Shop', '--if-match', '4'];
    expect((await cli(args)).code).toBe(EXIT.ok);
    expect(api.lastRequest).toMatchObject({ method: 'PUT', url: '/v1/admin/brands/shop', headers: { 'if-match': '"4"' } });
    expect(api.lastRequest?.body).toMatchObject({ brandId: 'shop', displayName: 'Shop', provider: 'cognito', clientId: 'abc', applicationId: 'eu-west-1_AbC123xyz' });
  });

  it('fills in both of Cognito\'s issuer forms, on the partition\'s domain, and the ID token as profile source without a hosted UI', async () => {
    api.answerWith({ status: 201, body: { version: 1, changedFields: [] } });
    const args = ['brands', 'put', 'sovereign', '--preset', 'cognito', '--input', 'region=eusc-de-east-1', '--input', 'userPoolId=eusc-de-east-1_AbC123xyz', '--input', 'appClientId=abc,def'];
    expect((await cli(args)).code).toBe(EXIT.ok);
    expect(api.lastRequest?.body).toMatchObject({
      issuer: 'https://cognito-idp.eusc-de-east-1.amazonaws.eu/eusc-de-east-1_AbC123xyz',
      additionalIssuers: ['https://issuer-cognito-idp.eusc-de-east-1.amazonaws.eu/eusc-de-east-1_AbC123xyz'],
      jwksUri: 'https://cognito-idp.eusc-de-east-1.amazonaws.eu/eusc-de-east-1_AbC123xyz/.well-known/jwks.json',
      profileSource: 'id_token',
      clientId: 'abc',
      audiences: ['abc', 'def'],
    });
  });

  it('refuses a preset missing its inputs with every problem, before any request', async () => {
    const before = api.requests.length;
    const { code, err } = await cli(['brands', 'put', 'shop', '--preset', 'cognito', '--input', 'region=nowhere']);
    expect(code).toBe(EXIT.refused);
    expect(err).toMatch(/^the cognito preset cannot build a config:\n {2}- region: /);
    expect(err).toContain('\n  - userPoolId: ');
    expect(api.requests.length).toBe(before);
  });

  it.each([
    [['--file', 'missing.json'], /^cannot read missing\.json: no such file in \//],
    [['--file', 'broken.json'], /^broken\.json is not JSON: /],
    [['--file', 'array.json'], /^array\.json must hold one JSON object$/],
    [['--file', 'badversion.json'], /^badversion\.json: "version" must be a brand version, a whole number from 1$/],
    [['--file', 'nobrand.json'], /^nobrand\.json has no "brandId": add it, or name the brand before --file$/],
    [['other', '--file', 'plain.json'], /^plain\.json is for brand acme, not other$/],
    [['--file', 'plain.json', '--if-match', 'latest'], /^--if-match must be a brand version, a whole number from 1$/],
    [['--file', 'plain.json', '--preset', 'auth0'], /^pass --file or --preset, not both\n/],
    [[], /^missing --file <brand\.json>, or <brandId> with --preset\n/],
  ])('exits 2 for a file or flag it cannot use: %j', async (args, message) => {
    for (const [name, content] of [['broken.json', '{'], ['array.json', '[]'], ['badversion.json', { ...acme, version: 'two' }], ['nobrand.json', { displayName: 'x' }], ['plain.json', acme]] as const) file(name, content);
    const before = api.requests.length;
    const { code, err } = await cli(['brands', 'put', ...args], { ...local(), INIT_CWD: dir });
    expect(code).toBe(EXIT.usage);
    expect(err).toMatch(message);
    expect(api.requests.length).toBe(before);
  });
});

describe('--file is relative to where the person ran the command', () => {
  it('uses INIT_CWD when npm set it, whatever the process cwd', async () => {
    const invokedFrom = mkdtempSync(join(tmpdir(), 'ciam-cli-init-'));
    file('acme.json', { ...acme, displayName: 'From INIT_CWD' }, invokedFrom);
    api.answerWith({ status: 201, body: { version: 1 } });
    expect((await cli(['brands', 'put', '--file', 'acme.json'], { ...local(), INIT_CWD: invokedFrom }, dir)).code).toBe(EXIT.ok);
    expect(api.lastRequest?.body).toMatchObject({ displayName: 'From INIT_CWD' });
    rmSync(invokedFrom, { recursive: true, force: true });
  });

  it('uses the working directory without INIT_CWD', async () => {
    const cwd = join(dir, 'cwd');
    mkdirSync(cwd, { recursive: true });
    file('acme.json', { ...acme, displayName: 'From cwd' }, cwd);
    api.answerWith({ status: 201, body: { version: 1 } });
    expect((await cli(['brands', 'put', '--file', 'acme.json'], local(), cwd)).code).toBe(EXIT.ok);
    expect(api.lastRequest?.body).toMatchObject({ displayName: 'From cwd' });
  });
});

describe('diff asks the server for a dry run and shows every field', () => {
  it('renders one line per changed field, status included, and absent (or null) values as (none)', async () => {
    api.answerWith({
      status: 200,
      body: { dryRun: true, brandId: 'acme', currentVersion: 2, changes: { displayName: { before: 'Acme', after: 'Acme Loyalty' }, status: { before: 'disabled', after: 'active' }, requiredScopes: { after: ['loyalty'] }, jwksUri: { before: null, after: 'https://id.example/jwks' } } },
    });
    const { code, out, err } = await cli(['brands', 'diff', 'acme', '--file', file('read.json', acmeAsRead)]);
    expect({ code, err }).toEqual({ code: EXIT.ok, err: '' });
    expect(out).toBe('displayName: "Acme" -> "Acme Loyalty"\nstatus: "disabled" -> "active"\nrequiredScopes: (none) -> ["loyalty"]\njwksUri: (none) -> "https://id.example/jwks"');
    expect(api.lastRequest).toMatchObject({ method: 'PUT', url: '/v1/admin/brands/acme?dryRun=true' });
    expect(api.lastRequest?.headers['if-match']).toBeUndefined();
    expect(api.lastRequest?.body).toEqual({ ...acme, status: 'active' });
  });

  it('says no differences, and prints the server\'s answer with --json', async () => {
    const answer = { dryRun: true, brandId: 'acme', currentVersion: 2, changes: {} };
    api.answerWith({ status: 200, body: answer });
    expect((await cli(['brands', 'diff', '--file', file('plain.json', acme)])).out).toBe('no differences');
    expect(JSON.parse((await cli(['brands', 'diff', '--file', file('plain.json', acme), '--json'])).out)).toEqual(answer);
  });

  it('refuses to trust an answer that is not a dry run', async () => {
    api.answerWith({ status: 201, body: { ...acme, version: 1 } });
    expect(await cli(['brands', 'diff', '--file', file('plain.json', acme)])).toEqual({
      code: EXIT.unavailable, out: '', err: 'the gateway does not know dry runs (it is older than this CLI) and may have applied the file: run brands get acme',
    });
  });
});

describe('refusals: one line a person can act on, and the exit code', () => {
  it.each([
    ['412 VERSION_MISMATCH', ['brands', 'put', '--file', 'read.json'], { status: 412, body: { code: 'VERSION_MISMATCH', message: 'x', currentVersion: 3 } },
      EXIT.refused, 'brand acme changed since you read it (version 3 ≠ 2): run brands get acme again'],
    ['412 VERSION_MISMATCH, no such brand', ['brands', 'put', '--file', 'read.json'], { status: 412, body: { code: 'VERSION_MISMATCH', message: 'x' } },
      EXIT.refused, 'brand acme does not exist, so no version of it can be replaced: leave "version" out (and --if-match) to create it'],
    ['428 VERSION_REQUIRED, file', ['brands', 'put', '--file', 'plain.json'], { status: 428, body: { code: 'VERSION_REQUIRED', message: 'x', currentVersion: 3 }, headers: { etag: '"3"' } },
      EXIT.refused, 'brand acme already exists at version 3: put "version": 3 in the file or pass --if-match 3'],
    ['428 VERSION_REQUIRED, preset', ['brands', 'put', 'acme', '--preset', 'generic-oidc', '--input', 'issuer=https://id.example', '--input', 'clientId=c', '--input', 'audience=https://api.example'], { status: 428, body: { code: 'VERSION_REQUIRED', currentVersion: 3 } },
      EXIT.refused, 'brand acme already exists at version 3: pass --if-match 3'],
    ['403 to the local admin key', ['brands', 'list'], { status: 403, body: { message: 'Missing Authentication Token' } },
      EXIT.refused, 'admin key refused: pass the key local mode runs with (--admin-key or LOCAL_ADMIN_KEY)'],
    ['404 BRAND_NOT_FOUND', ['brands', 'get', 'acme'], { status: 404, body: { code: 'BRAND_NOT_FOUND', message: 'not found' } },
      EXIT.refused, 'brand acme does not exist'],
    ['400 with problems', ['brands', 'put', '--file', 'plain.json'], { status: 400, body: { code: 'BRAND_CONFIG_INVALID', message: 'the request is not valid', problems: ['issuer: discovery says https://other', 'audiences: required'] } },
      EXIT.refused, 'the gateway refused the request (400 BRAND_CONFIG_INVALID):\n  - issuer: discovery says https://other\n  - audiences: required'],
    ['502 FETCH_FAILED', ['brands', 'check', 'acme'], { status: 502, body: { code: 'FETCH_FAILED', message: 'upstream failed' } },
      EXIT.unavailable, 'the gateway could not complete the request (502 FETCH_FAILED)'],
    ['504 from API Gateway', ['brands', 'list'], { status: 504, body: { message: 'Endpoint request timed out' } },
      EXIT.unavailable, 'the gateway could not complete the request (504 Endpoint request timed out)'],
    ['a redirect', ['brands', 'list'], { status: 301, body: {}, headers: { location: 'https://elsewhere.example/' } },
      EXIT.refused, 'http://127.0.0.1:PORT answered 301 (a redirect): pass the gateway\'s own URL as --endpoint'],
    ['an answer that is not JSON', ['brands', 'list'], { status: 200, body: '<html>hello</html>' },
      EXIT.unavailable, 'http://127.0.0.1:PORT did not answer like the admin API (200, not JSON): check --endpoint'],
  ])('%s', async (_name, args, answer, exitCode, message) => {
    file('read.json', acmeAsRead);
    file('plain.json', acme);
    api.answerWith(answer);
    const run = await cli(args, { ...local(), INIT_CWD: dir });
    expect(run).toEqual({ code: exitCode, out: '', err: message.replace('http://127.0.0.1:PORT', api.url) });
  });

  it.each([
    ['not authorized', 'User: arn:aws:sts::123456789012:assumed-role/dev/me is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:…',
      'access denied: your AWS identity may not call the admin API (grant it with stack.grantAdmin)'],
    ['no such route', 'Missing Authentication Token', 'no admin API at http://127.0.0.1:PORT/dev: pass the stage URL (ApiUrl without the trailing /) as --endpoint'],
    ['clock skew', 'Signature expired: 20250101T000000Z is now earlier than 20250101T000500Z', 'AWS says the request signature expired: check this computer\'s clock'],
    ['wrong region', 'Credential should be scoped to a valid region.', 'the request was signed for the wrong AWS region: pass --region with the API\'s region'],
    ['bad credentials', 'The security token included in the request is invalid.', 'AWS refused your credentials (expired or invalid): refresh them, e.g. aws sso login'],
    ['bad signature', 'The request signature we calculated does not match the signature you provided. The Canonical String for this request should have been\n\'GET\n/dev/v1/admin/brands\nx-amz-security-token:SECRET',
      'AWS refused the request signature: check your AWS credentials'],
    ['anything else', 'Forbidden', 'access denied: your AWS identity may not call the admin API (grant it with stack.grantAdmin)'],
  ])('403 to a SigV4-signed request (%s)', async (_name, awsMessage, message) => {
    api.answerWith({ status: 403, body: { message: awsMessage } });
    const run = await cli(['brands', 'list', '--endpoint', `${api.url}/dev/`, '--region', 'eu-west-1'], {});
    expect(run).toEqual({ code: EXIT.refused, out: '', err: message.replace('http://127.0.0.1:PORT', api.url) });
    expect(api.lastRequest?.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=\w+\/\d{8}\/eu-west-1\/execute-api\/aws4_request/);
  });

  it('cannot reach a closed port: connection refused, exit 3', async () => {
    const endpoint = await closedPortUrl();
    expect(await cli(['brands', 'list'], { CIAM_GATEWAY_ENDPOINT: `${endpoint}/`, LOCAL_ADMIN_KEY: ADMIN_KEY })).toEqual({
      code: EXIT.unavailable, out: '', err: `cannot reach ${endpoint} (connection refused)`,
    });
  });

  it('names what to set when there is no region to sign for', async () => {
    expect(await cli(['brands', 'list', '--endpoint', api.url], {})).toEqual({
      code: EXIT.usage, out: '', err: 'no AWS region to sign for: pass --region or set AWS_REGION (local mode: pass --admin-key or set LOCAL_ADMIN_KEY instead)',
    });
  });

  it('refuses an endpoint that is not a plain http(s) URL, without echoing user info', async () => {
    const { code, err } = await cli(['brands', 'list', '--endpoint', 'http://ops:hunter2@127.0.0.1:1/']);
    expect(code).toBe(EXIT.usage);
    expect(err).toMatch(/^the endpoint http:\/\/127\.0\.0\.1:1 is not an http\(s\) URL without user info: pass --endpoint or set CIAM_GATEWAY_ENDPOINT\n/);
    expect(err).not.toContain('hunter2');
  });

  it('never prints the admin key or a sample token, whatever happens', async () => {
    const runs = [];
    for (const answer of [{ status: 403, body: { message: 'Missing Authentication Token' } }, { status: 502, body: { code: 'FETCH_FAILED' } }, { status: 200, body: { ok: true, steps: [] } }]) {
      api.answerWith(answer);
      runs.push(await cli(['brands', 'check', 'acme', '--sample-token', TOKEN]), await cli(['brands', 'check', 'acme', '--sample-token', TOKEN, '--json']));
    }
    runs.push(await cli(['brands', 'check', 'acme', '--sample-token', TOKEN], { CIAM_GATEWAY_ENDPOINT: await closedPortUrl(), LOCAL_ADMIN_KEY: ADMIN_KEY }));
    for (const { out, err } of runs) {
      expect(`${out}${err}`).not.toContain(ADMIN_KEY);
      expect(`${out}${err}`).not.toContain(TOKEN);
    }
  });
});
