import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigValidationError } from '../../../lambdas/core/errors';
import { ROUTES } from '../../../lambdas/core/routes';
import { consumerRoutes, readRoutesFile } from '../../../lib/local/local-routes';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ciam-routes-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const routesFile = (content: string): string => {
  const file = join(dir, `routes-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, content);
  return file;
};
const problemsOf = async (file: string): Promise<readonly string[]> => {
  const error = await readRoutesFile(file, ROUTES).catch((err: unknown) => err);
  expect(error).toBeInstanceOf(ConfigValidationError);
  return (error as ConfigValidationError).problems;
};

describe('readRoutesFile', () => {
  it('reads a consumer route-scopes map', async () => {
    const file = routesFile(JSON.stringify({ 'GET /orders': ['orders:read'], 'ANY /orders/{id}': ['orders:write'], 'GET /catalog': [] }));
    await expect(readRoutesFile(file, ROUTES)).resolves.toEqual({ 'GET /orders': ['orders:read'], 'ANY /orders/{id}': ['orders:write'], 'GET /catalog': [] });
  });

  it('names the file when it is missing or not JSON', async () => {
    expect((await problemsOf(join(dir, 'absent.json')))[0]).toMatch(/absent\.json: ENOENT/);
    expect((await problemsOf(routesFile('{ "GET /orders": [')))[0]).toMatch(/routes-\w+\.json: .*JSON/);
  });

  it('names every bad key at once, as the authorizer validates ROUTE_SCOPES', async () => {
    const file = routesFile(JSON.stringify({ 'FETCH /orders': [], 'GET orders': [], 'GET /ok': 'orders:read' }));
    const problems = await problemsOf(file);
    expect(problems).toHaveLength(3);
    for (const problem of problems) expect(problem.startsWith(`${file}: `)).toBe(true);
  });

  it("refuses local mode's own routes, whatever the parameter names, ANY included", async () => {
    const file = routesFile(JSON.stringify({ 'GET /v1/whoami': ['x'], 'ANY /v1/me': [], 'GET /v1/admin/brands/{id}': [], 'POST /v1/whoami': [] }));
    expect(await problemsOf(file)).toEqual([
      `${file}: "GET /v1/whoami" is local mode's own route GET /v1/whoami`,
      `${file}: "ANY /v1/me" is local mode's own route GET /v1/me`,
      `${file}: "GET /v1/admin/brands/{id}" is local mode's own route GET /v1/admin/brands/{brandId}`,
    ]);
  });
});

describe('consumerRoutes', () => {
  it('serves each named route with the echo integration behind the CIAM authorizer, then a catch-all for the rest', () => {
    expect(consumerRoutes({ 'GET /orders': ['orders:read'], 'ANY /orders/{id}': [] })).toEqual([
      { method: 'GET', path: '/orders', auth: 'ciam', handler: 'echo' },
      { method: 'ANY', path: '/orders/{id}', auth: 'ciam', handler: 'echo' },
      { method: 'ANY', path: '/{proxy+}', auth: 'ciam', handler: 'echo' },
    ]);
  });
});
