import { adminDependencies } from '../../lambdas/adapters/admin-runtime';
import { authorizerDependencies } from '../../lambdas/adapters/authorizer-runtime';
import { customerRouteDependencies } from '../../lambdas/adapters/customer-runtime';
import {
  functionEnvironmentVariables,
  readFunctionEnvironment,
  type EnvironmentSource,
  type FunctionEnvironmentInput,
  type FunctionKind,
} from '../../lambdas/adapters/function-environment';
import type { Observability } from '../../lambdas/adapters/observability';
import type { RuntimeHooks } from '../../lambdas/adapters/runtime-hooks';
import type { ErrorCode } from '../../lambdas/core/errors';
import { createAdminBrandsHandler } from '../../lambdas/handlers/admin-brands';
import { backchannelLogoutDependencies } from '../../lambdas/adapters/backchannel-logout-runtime';
import { createAuthorizerHandler } from '../../lambdas/handlers/authorizer';
import { createBackchannelLogoutHandler } from '../../lambdas/handlers/backchannel-logout';
import { createChangeIdentifierHandler } from '../../lambdas/handlers/change-identifier';
import { createHealthHandler } from '../../lambdas/handlers/health';
import { createLinkCustomerHandler } from '../../lambdas/handlers/link-customer';
import { createLogoutHandler } from '../../lambdas/handlers/logout';
import { createMeHandler } from '../../lambdas/handlers/me';
import { createRegisterCustomerHandler } from '../../lambdas/handlers/register-customer';
import { createWhoamiHandler } from '../../lambdas/handlers/whoami';
import { echoIntegration } from './echo-integration';
import type { GatewayFunctions, ProxyHandler } from './local-gateway';
import type { GatewayHandlerName } from './route-matching';

/** Every setting any function of local mode gets; the contract writes each kind's share of it. */
export type LocalFunctionValues = FunctionEnvironmentInput<'authorizer'> &
  FunctionEnvironmentInput<'customer'> &
  FunctionEnvironmentInput<'admin'> &
  FunctionEnvironmentInput<'basic'>;

const KINDS: readonly FunctionKind[] = ['authorizer', 'basic', 'customer', 'admin'];

/**
 * The one environment of local mode's functions: the variables the stack would give each kind, written by the
 * environment contract from one set of values. Each handler then reads its kind's share, as in Lambda.
 */
export function localFunctionVariables(values: LocalFunctionValues): EnvironmentSource {
  return Object.assign({}, ...KINDS.map((kind) => functionEnvironmentVariables(kind, values))) as EnvironmentSource;
}

export interface LocalFunctionHooks {
  /** Epoch ms, for every handler's caches and checks. */
  readonly now: () => number;
  /** One line per refusal a function records, in place of Powertools logs and EMF metrics. */
  readonly log: (line: string) => void;
  /** Runs a task once `now` reaches its time: the admin API's follow-up authorizer-cache flushes (SQS in AWS). */
  readonly runLater: (dueAtMs: number, task: () => Promise<void>) => void;
}

/**
 * Every function of the route table, built through its factory and runtime from `variables`, as the deployed
 * `handler`s are, the echo integration of a consumer's routes, and the local-only channel that tells the emulator
 * why the authorizer refused an event.
 */
export function localFunctions(variables: EnvironmentSource, { now, log, runLater }: LocalFunctionHooks): GatewayFunctions {
  const refusals = new WeakMap<object, ErrorCode>();
  const observability = localObservability(log);
  const hooks: RuntimeHooks = {
    now,
    runLater,
    observability,
    onRefusal: (event, code) => {
      if (typeof event === 'object' && event !== null) refusals.set(event, code);
    },
  };
  const customerEnvironment = readFunctionEnvironment('customer', variables);
  const customer = { ...customerRouteDependencies(customerEnvironment, hooks), observability };
  const handlers: Readonly<Record<GatewayHandlerName, ProxyHandler>> = {
    health: createHealthHandler(),
    whoami: createWhoamiHandler({ now, observability }),
    me: createMeHandler(customer),
    'link-customer': createLinkCustomerHandler(customer),
    'register-customer': createRegisterCustomerHandler(customer),
    'change-identifier': createChangeIdentifierHandler(customer),
    logout: createLogoutHandler(customer),
    'backchannel-logout': createBackchannelLogoutHandler({ ...backchannelLogoutDependencies(customerEnvironment, hooks), observability }),
    'admin-brands': createAdminBrandsHandler({ ...adminDependencies(readFunctionEnvironment('admin', variables), hooks), observability }),
    echo: echoIntegration,
  };
  return {
    authorizer: createAuthorizerHandler({ ...authorizerDependencies(readFunctionEnvironment('authorizer', variables), hooks), observability }),
    handlerFor: (name) => handlers[name],
    refusalCodeOf: (event) => refusals.get(event),
  };
}

/** What a developer needs from the functions' reports: the refusal's code and our own reason, never a header. */
function localObservability(log: (line: string) => void): Observability {
  const fieldsOf = (fields: Readonly<Record<string, unknown>>) =>
    Object.entries(fields)
      .filter(([, value]) => value !== undefined)
      .map(([name, value]) => ` ${name}=${Array.isArray(value) ? value.join(',') : String(value)}`)
      .join('');
  return {
    recordRefusal: (error, fields) => log(`refused ${error.code}: ${error.message}${fieldsOf(fields)}`),
    recordMissingScopes: (fields) => log(`refused INSUFFICIENT_SCOPE: brand scopes missing${fieldsOf(fields)}`),
    recordAuthorized: () => undefined,
  };
}
