import { ConfigValidationError } from '../core/errors';
import { readFunctionEnvironment, type EnvironmentSource, type FunctionEnvironment, type FunctionKind } from './function-environment';

/**
 * The deployed `handler` of a module: its environment read and checked once, at module load, so that Lambda's init
 * phase builds the clients and caches. An invalid environment does not throw at import (tests import handler
 * modules for their factories); the handler then rejects every call with that ConfigValidationError, which names
 * every bad variable in the function's log.
 *
 * @param source the variables to read. @default the process environment
 */
export function handlerFromEnvironment<K extends FunctionKind, E, R>(
  kind: K,
  build: (env: FunctionEnvironment<K>) => (event: E) => Promise<R>,
  source?: EnvironmentSource,
): (event: E) => Promise<R> {
  let environment: FunctionEnvironment<K>;
  try {
    environment = readFunctionEnvironment(kind, source);
  } catch (err) {
    if (!(err instanceof ConfigValidationError)) throw err;
    return () => Promise.reject(err);
  }
  return build(environment);
}
