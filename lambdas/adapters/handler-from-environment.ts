import { ConfigValidationError } from '../core/errors';
import { readFunctionEnvironment, type EnvironmentSource, type FunctionEnvironment, type FunctionKind } from './function-environment';

/**
 * The deployed `handler` of a module: its environment read and checked once, at module load, so that Lambda's init
 * phase builds the clients and caches. An invalid environment does not throw at import (tests import handler
 * modules for their factories); the handler then rejects every call with that ConfigValidationError, which names
 * every bad variable in the function's log.
 *
 * @param options.source the variables to read. @default the process environment
 * @param options.whenInvalid the handler to run instead when the environment is invalid. @default one that rejects
 */
export function handlerFromEnvironment<K extends FunctionKind, E, R>(
  kind: K,
  build: (env: FunctionEnvironment<K>) => (event: E) => Promise<R>,
  options: { readonly source?: EnvironmentSource; readonly whenInvalid?: (error: ConfigValidationError) => (event: E) => Promise<R> } = {},
): (event: E) => Promise<R> {
  let environment: FunctionEnvironment<K>;
  try {
    environment = readFunctionEnvironment(kind, options.source);
  } catch (err) {
    if (!(err instanceof ConfigValidationError)) throw err;
    return options.whenInvalid?.(err) ?? (() => Promise.reject(err));
  }
  return build(environment);
}
