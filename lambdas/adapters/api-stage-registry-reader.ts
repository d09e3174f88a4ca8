import { GetParametersByPathCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { apiRegistryPath, registeredApiStage, type ApiStage } from '../core/ssm-parameter-names';
import { translateError } from './library-errors';

/** One page of the parameters directly under a path. */
export interface ParameterPage {
  readonly parameters: readonly { readonly name: string; readonly value: string }[];
  /** Where the next page starts; absent on the last page. */
  readonly nextToken?: string;
}

/** One GetParametersByPath call: the parameters directly under `path`, from `nextToken` on. */
export type ReadParameterPage = (path: string, nextToken: string | undefined) => Promise<ParameterPage>;

/** Each SSM call is bounded, so a slow SSM cannot eat the admin function's whole timeout. */
const SSM_CALL_TIMEOUT_MS = 3000;

/** SSM's largest page for GetParametersByPath. */
const MAX_RESULTS = 10;

/**
 * Every API stage registered under the gateway stage `stage` (`/ciam-gateway/<stage>/apis/<apiId>` = its registration),
 * reading page after page. Parameters that are not registrations are skipped.
 */
export async function readApiStageRegistry(readPage: ReadParameterPage, stage: string): Promise<ApiStage[]> {
  const path = apiRegistryPath(stage);
  const stages: ApiStage[] = [];
  let nextToken: string | undefined;
  do {
    const page = await readPage(path, nextToken);
    for (const parameter of page.parameters) {
      const registered = registeredApiStage(stage, parameter);
      if (registered) stages.push(registered);
    }
    nextToken = page.nextToken;
  } while (nextToken !== undefined);
  return stages;
}

/** `ReadParameterPage` over SSM: not recursive (the registry is one level deep), SDK errors translated. */
export function ssmParameterPages(client: SSMClient): ReadParameterPage {
  return async (path, nextToken) => {
    try {
      const output = await client.send(
        new GetParametersByPathCommand({ Path: path, Recursive: false, MaxResults: MAX_RESULTS, NextToken: nextToken }),
        { abortSignal: AbortSignal.timeout(SSM_CALL_TIMEOUT_MS) },
      );
      return {
        parameters: (output.Parameters ?? []).map((parameter) => ({ name: parameter.Name ?? '', value: parameter.Value ?? '' })),
        ...(output.NextToken ? { nextToken: output.NextToken } : {}),
      };
    } catch (err) {
      throw translateError(err, 'http');
    }
  };
}
