import { z } from 'zod';
import { RequestError } from './errors';

/**
 * Bodies the customer routes accept, as closed schemas: unknown keys, wrong types and oversized values are
 * refused with a 400 whose `problems` name each field; nothing is written.
 */
export const MAX_BODY_BYTES = 8 * 1024;

/**
 * `POST /v1/customers/register`: the extra registration fields, each group a map of field name → value that the
 * brand's declaration checks (registration-values.ts). Every key of the body is one of these, except in the flat
 * form (`{"city": "Leeds"}`), kept as an alias of `extendedFields`: any key not named here is an extended field.
 */
const fieldValues = z.custom<Readonly<Record<string, unknown>>>(
  (value) => typeof value === 'object' && value !== null && !Array.isArray(value),
  'must be an object of field name → value',
);
export const registerBodySchema = z.strictObject({ extendedFields: fieldValues, customFields: fieldValues }).partial();

export type RegisterBody = z.infer<typeof registerBodySchema>;

/** The register body: `{ idToken?, extendedFields?, customFields? }`, or the flat alias of `extendedFields`. */
export function parseRegisterBody(body: string | null, isBase64Encoded = false): { readonly idToken: string | undefined; readonly fields: RegisterBody } {
  return parseBodyWithIdToken(registerFieldsOf, body, isBase64Encoded);
}

function registerFieldsOf(json: unknown): RegisterBody {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return validate(registerBodySchema, json);
  const flat = Object.keys(json).filter((key) => !Object.hasOwn(registerBodySchema.shape, key));
  if (flat.length === 0) return validate(registerBodySchema, json);
  if (Object.hasOwn(json, 'extendedFields')) {
    throw new RequestError('BODY_INVALID', 'both forms of extended fields', flat.map((key) => `${key}: put it in extendedFields, or leave extendedFields out`));
  }
  // fromEntries, not assignment: a `__proto__` key stays a key, and is refused as a field the brand never declared.
  const entries = Object.entries(json);
  const envelope = Object.fromEntries(entries.filter(([key]) => !flat.includes(key)));
  return validate(registerBodySchema, { ...envelope, extendedFields: Object.fromEntries(entries.filter(([key]) => flat.includes(key))) });
}

/** Step two of an identifier change: which identifier changed at the CIAM. */
export const identifierChangeSchema = z.strictObject({ type: z.enum(['email', 'mobile']) });

/** A login link has no fields of its own: its body, if any, carries only the ID token. */
export const linkSchema = z.strictObject({});

/** Only a string here (the body cap bounds it): the brand's profile source verifies it as a token, and an empty one is missing (401). */
const idTokenSchema = z.string().optional();

/** `POST /v1/logout`: an empty body, or `{ "allSessions": true }` to revoke every token of the subject. */
export const logoutBodySchema = z.strictObject({ allSessions: z.boolean() }).partial();

const claimValue = z.string().min(1).max(255);
/** `POST /v1/admin/brands/{brandId}/revocations`: one subject or one session. */
export const revocationBodySchema = z.union([z.strictObject({ sub: claimValue }), z.strictObject({ sid: claimValue })]);

/** The body as JSON, within the size cap: what every JSON route reads first. */
export function readJsonBody(body: string | null, isBase64Encoded = false): unknown {
  const text = body === null ? '' : isBase64Encoded ? Buffer.from(body, 'base64').toString('utf8') : body;
  if (Buffer.byteLength(text) > MAX_BODY_BYTES) throw new RequestError('BODY_TOO_LARGE', `body is over ${MAX_BODY_BYTES} bytes`);
  try {
    return JSON.parse(text);
  } catch {
    throw new RequestError('BODY_INVALID', 'body is not JSON', ['body: must be a JSON object']);
  }
}

/**
 * A customer route's body: the route's own fields, checked by `fields` (a schema, or a parser that throws a
 * RequestError), and the optional `idToken` beside them that brands whose profile source is `id_token` need. Every
 * problem of both is named at once.
 */
export function parseBodyWithIdToken<T>(
  fields: z.ZodType<T> | ((json: unknown) => T),
  body: string | null,
  isBase64Encoded = false,
): { readonly idToken: string | undefined; readonly fields: T } {
  const json = readJsonBody(body, isBase64Encoded);
  const hasIdToken = typeof json === 'object' && json !== null && !Array.isArray(json) && Object.hasOwn(json, 'idToken');
  const { idToken, ...rest } = hasIdToken ? (json as Record<string, unknown>) : {};
  const token = idTokenSchema.safeParse(idToken);
  const problems = token.success ? [] : problemsOf(token.error, 'idToken');
  let parsed: { readonly value: T } | undefined;
  try {
    const input = hasIdToken ? rest : json;
    parsed = { value: typeof fields === 'function' ? fields(input) : validate(fields, input) };
  } catch (err) {
    if (!(err instanceof RequestError)) throw err;
    problems.push(...err.problems);
  }
  if (!token.success || !parsed) throw new RequestError('BODY_INVALID', 'body does not match the schema', problems);
  return { idToken: token.data, fields: parsed.value };
}

/** A JSON body checked against `schema`: 400 BODY_INVALID naming every problem. */
export function parseBody<T>(schema: z.ZodType<T>, body: string | null, isBase64Encoded = false): T {
  return validate(schema, readJsonBody(body, isBase64Encoded));
}

/** A value already parsed (a query string's parameters, say) checked as a body is. */
export function validate<T>(schema: z.ZodType<T>, json: unknown): T {
  const result = schema.safeParse(json);
  if (!result.success) throw new RequestError('BODY_INVALID', 'body does not match the schema', problemsOf(result.error));
  return result.data;
}

function problemsOf(error: z.ZodError, field?: string): string[] {
  return error.issues.map((issue) => `${[...(field === undefined ? [] : [field]), ...issue.path].join('.') || 'body'}: ${issue.message}`);
}
