import { createHealthHandler } from '../../../lambdas/handlers/health';
import { bodyOf, proxyEvent } from '../../support/handler-fakes';

it('answers 200 { status: "ok" }, never cached', async () => {
  const response = await createHealthHandler()(proxyEvent({ resource: '/health' }));
  expect(response.statusCode).toBe(200);
  expect(bodyOf(response)).toEqual({ status: 'ok' });
  expect(response.headers).toMatchObject({ 'content-type': 'application/json', 'cache-control': 'no-store' });
});
