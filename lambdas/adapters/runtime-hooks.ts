import type { ErrorCode } from '../core/errors';
import type { Observability } from './observability';

/** Local-only hooks, accepted by every `*Dependencies(env, hooks?)` builder. Never set in AWS. */
export interface RuntimeHooks {
  /** Epoch ms clock for every cache and check (JWKS cooldown, brand cache, token lifetime, validUntil, audit times). @default Date.now */
  readonly now?: () => number;
  /** Local mode only: told the stable error code of each refusal, with the event that was refused. Never set in AWS. */
  readonly onRefusal?: (event: unknown, code: ErrorCode) => void;
  /**
   * Local mode only: runs `task` once the hooks' clock reaches `dueAtMs` (the admin API's follow-up authorizer-cache
   * flush, which AWS runs from an SQS queue). @default a timer on the real clock
   */
  readonly runLater?: (dueAtMs: number, task: () => Promise<void>) => void;
  /**
   * Local mode only: what the collaborators built by the runtime report to (the opaque-token validator's per-brand
   * metrics), as the handler's own `observability` is. @default Powertools logs and EMF metrics
   */
  readonly observability?: Observability;
}
