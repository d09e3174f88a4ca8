import type { CiamProfile } from '../core/ciam-profile';
import type { CustomerCaller } from './customer-runtime';
import { translateError } from './library-errors';
import { isDependencyFailure, observability as defaultObservability, type CustomerWriteOutcome, type Observability } from './observability';

/**
 * The caller's profile, with the brand's userinfo endpoint timed and its failures counted under the brand when the
 * profile comes from it (an `id_token` brand's comes from the request, with no call to time).
 */
export async function loadProfileMeasured(
  caller: CustomerCaller,
  idToken: string | undefined,
  deps: { readonly observability?: Observability; readonly now: () => number },
): Promise<CiamProfile> {
  if (caller.brand.profileSource === 'id_token') return caller.loadProfile(idToken);
  const report = deps.observability ?? defaultObservability;
  const brand = caller.brand.brandId;
  const startedAt = deps.now();
  try {
    return await caller.loadProfile(idToken);
  } catch (err) {
    report.recordBrandMetric?.({ name: 'UserinfoErrors', brand });
    throw err;
  } finally {
    report.recordBrandMetric?.({ name: 'UserinfoLatency', brand, milliseconds: deps.now() - startedAt });
  }
}

/**
 * Runs a link or register call and counts what it ended in under the caller's brand: its own outcome, `refused`
 * for a 4xx, `failed` for a failure of ours or of a dependency. The error still reaches withErrorResponses.
 */
export async function countCustomerWrite<T>(
  caller: CustomerCaller,
  deps: { readonly observability?: Observability },
  write: () => Promise<{ readonly result: T; readonly outcome: CustomerWriteOutcome }>,
): Promise<T> {
  const report = deps.observability ?? defaultObservability;
  const brand = caller.brand.brandId;
  try {
    const { result, outcome } = await write();
    report.recordBrandMetric?.({ name: 'CustomerWrites', brand, outcome });
    return result;
  } catch (err) {
    report.recordBrandMetric?.({ name: 'CustomerWrites', brand, outcome: isDependencyFailure(translateError(err)) ? 'failed' : 'refused' });
    throw err;
  }
}
