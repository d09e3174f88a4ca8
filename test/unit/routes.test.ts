import { ROUTES } from '../../lambdas/core/routes';

describe('ROUTES', () => {
  it('keeps /health public and guards /v1/whoami with no extra scope', () => {
    expect(ROUTES).toEqual(
      expect.arrayContaining([
        { method: 'GET', path: '/health', handler: 'health', auth: 'none', scopes: [] },
        { method: 'GET', path: '/v1/whoami', handler: 'whoami', auth: 'ciam', scopes: [] },
      ]),
    );
  });

  it('names each method and path once', () => {
    const keys = ROUTES.map((r) => `${r.method} ${r.path}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('uses API Gateway resource paths: absolute, {param} segments only, no trailing slash', () => {
    for (const { path } of ROUTES) expect(path).toMatch(/^(\/([A-Za-z0-9._-]+|\{[A-Za-z][A-Za-z0-9]*\}))+$/);
  });

  it('gives public routes no scopes: nothing would enforce them', () => {
    for (const r of ROUTES.filter((x) => x.auth === 'none')) expect(r.scopes).toEqual([]);
  });
});
