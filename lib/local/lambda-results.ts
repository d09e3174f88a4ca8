import { validateHeaderName, validateHeaderValue } from 'node:http';
import type { AuthorizerPolicy, PolicyStatement } from './evaluate-policy';
import type { Reply } from './gateway-reply';

/**
 * What API Gateway accepts back from a Lambda function, read as strictly as it reads it: an authorizer's
 * principal, policy and context, and a proxy integration's response. Anything else is a malformed result.
 */

/** Lambda hands a result back as JSON: what does not survive that (undefined, functions) never reaches API Gateway. */
export function overTheWire(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value) ?? 'null');
}

export interface AuthorizerResult {
  readonly principalId: string;
  readonly policy: AuthorizerPolicy;
  /** Scalars only, delivered stringified ("123", "true") to the integration, as API Gateway REST does. */
  readonly context: Readonly<Record<string, string | null>>;
  /** The API key the request is metered on (`apiKeySourceType: AUTHORIZER`). */
  readonly usageIdentifierKey?: string;
}

export function parseAuthorizerResult(result: unknown): AuthorizerResult | undefined {
  if (!isRecord(result) || typeof result.principalId !== 'string' || result.principalId === '') return undefined;
  const policy = parsePolicy(result.policyDocument);
  const context = parseContext(result.context ?? {});
  if (result.usageIdentifierKey !== undefined && result.usageIdentifierKey !== null && typeof result.usageIdentifierKey !== 'string') return undefined;
  const usageIdentifierKey = typeof result.usageIdentifierKey === 'string' ? { usageIdentifierKey: result.usageIdentifierKey } : {};
  return policy && context ? { principalId: result.principalId, policy, context, ...usageIdentifierKey } : undefined;
}

function parsePolicy(document: unknown): AuthorizerPolicy | undefined {
  if (!isRecord(document) || !Array.isArray(document.Statement)) return undefined;
  const statements: PolicyStatement[] = [];
  for (const statement of document.Statement as unknown[]) {
    if (!isRecord(statement)) return undefined;
    const { Effect } = statement;
    const Action = stringList(statement.Action);
    const Resource = stringList(statement.Resource);
    if ((Effect !== 'Allow' && Effect !== 'Deny') || !Action || !Resource) return undefined;
    statements.push({ Effect, Action, Resource });
  }
  return { Statement: statements };
}

/** IAM takes a string or a non-empty list of strings. */
function stringList(value: unknown): string[] | undefined {
  const list = typeof value === 'string' ? [value] : value;
  return Array.isArray(list) && list.length > 0 && list.every((item): item is string => typeof item === 'string') ? list : undefined;
}

function parseContext(context: unknown): Record<string, string | null> | undefined {
  if (!isRecord(context)) return undefined;
  const parsed: Record<string, string | null> = {};
  for (const [key, value] of Object.entries(context)) {
    if (value !== null && !isScalar(value)) return undefined;
    parsed[key] = value === null ? null : String(value);
  }
  return parsed;
}

/** A proxy integration's result as the HTTP response API Gateway sends. */
export function parseProxyResult(result: unknown): Reply | undefined {
  if (!isRecord(result)) return undefined;
  const { statusCode, body = '', headers: single = {}, multiValueHeaders: multi = {} } = result;
  if (typeof statusCode !== 'number' || !Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599) return undefined;
  if (typeof body !== 'string' || !isRecord(single) || !isRecord(multi)) return undefined;
  const headers: Record<string, string[]> = {};
  // Where both name a header, API Gateway keeps the multiValueHeaders values.
  for (const [name, values] of Object.entries(multi)) {
    if (!Array.isArray(values) || !values.every((value) => isHeader(name, value))) return undefined;
    headers[name.toLowerCase()] = values.map(String);
  }
  for (const [name, value] of Object.entries(single)) {
    if (!isHeader(name, value)) return undefined;
    headers[name.toLowerCase()] ??= [String(value)];
  }
  // API Gateway's content type for a proxy response that names none.
  headers['content-type'] ??= ['application/json'];
  return { statusCode, headers, body: result.isBase64Encoded === true ? Buffer.from(body, 'base64') : body };
}

/** A scalar that HTTP can carry under this name. */
function isHeader(name: string, value: unknown): boolean {
  try {
    validateHeaderName(name);
    validateHeaderValue(name, String(value));
    return isScalar(value);
  } catch {
    return false;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isScalar(value: unknown): value is string | number | boolean {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}
