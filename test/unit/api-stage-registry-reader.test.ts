import type { SSMClient } from '@aws-sdk/client-ssm';
import { readApiStageRegistry, ssmParameterPages, type ParameterPage } from '../../lambdas/adapters/api-stage-registry-reader';
import { UpstreamError } from '../../lambdas/core/errors';

/** SSM's registry path as pages, each page keyed by the token that reaches it. */
function pagedRegistry(pages: Readonly<Record<string, ParameterPage>>) {
  const calls: { path: string; nextToken: string | undefined }[] = [];
  const readPage = async (path: string, nextToken: string | undefined) => {
    calls.push({ path, nextToken });
    const page = pages[nextToken ?? 'first'];
    if (!page) throw new Error(`no page ${nextToken}`);
    return page;
  };
  return { readPage, calls };
}

describe('readApiStageRegistry', () => {
  test('reads every page of /ciam-gateway/<stage>/apis and returns each API stage', async () => {
    const { readPage, calls } = pagedRegistry({
      first: { parameters: [{ name: '/ciam-gateway/dev/apis/own', value: 'dev' }], nextToken: 't1' },
      t1: { parameters: [{ name: '/ciam-gateway/dev/apis/orders', value: 'v1' }], nextToken: 't2' },
      t2: { parameters: [] },
    });
    expect(await readApiStageRegistry(readPage, 'dev')).toEqual([
      { restApiId: 'own', stageName: 'dev' },
      { restApiId: 'orders', stageName: 'v1' },
    ]);
    expect(calls).toEqual([
      { path: '/ciam-gateway/dev/apis', nextToken: undefined },
      { path: '/ciam-gateway/dev/apis', nextToken: 't1' },
      { path: '/ciam-gateway/dev/apis', nextToken: 't2' },
    ]);
  });

  test('skips parameters that are not registrations', async () => {
    const { readPage } = pagedRegistry({
      first: {
        parameters: [
          { name: '/ciam-gateway/dev/apis/own', value: 'dev' },
          { name: '/ciam-gateway/dev/apis/own/note', value: 'x' },
          { name: '/ciam-gateway/dev/apis/blank', value: '' },
        ],
      },
    });
    expect(await readApiStageRegistry(readPage, 'dev')).toEqual([{ restApiId: 'own', stageName: 'dev' }]);
  });
});

describe('ssmParameterPages', () => {
  test('asks SSM for the direct children of the path, ten at a time, from the token on', async () => {
    const sent: unknown[] = [];
    const client = {
      send: async (command: { input: unknown }) => {
        sent.push(command.input);
        return { Parameters: [{ Name: '/ciam-gateway/dev/apis/own', Value: 'dev' }], NextToken: 'next' };
      },
    } as unknown as SSMClient;
    expect(await ssmParameterPages(client)('/ciam-gateway/dev/apis', 'from')).toEqual({
      parameters: [{ name: '/ciam-gateway/dev/apis/own', value: 'dev' }],
      nextToken: 'next',
    });
    expect(sent).toEqual([{ Path: '/ciam-gateway/dev/apis', Recursive: false, MaxResults: 10, NextToken: 'from' }]);
  });

  test('turns an SDK failure into an UpstreamError', async () => {
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    const client = { send: async () => Promise.reject(throttled) } as unknown as SSMClient;
    const read = ssmParameterPages(client)('/ciam-gateway/dev/apis', undefined);
    await expect(read).rejects.toBeInstanceOf(UpstreamError);
    await expect(read).rejects.toMatchObject({ code: 'FETCH_FAILED', cause: throttled });
  });
});
