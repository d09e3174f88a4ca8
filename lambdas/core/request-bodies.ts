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

export function parseRegisterBody(body: string | null, isBase64Encoded = false): RegisterBody {
  const json = readJsonBody(body, isBase64Encoded);
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

export function parseBody<T>(schema: z.ZodType<T>, body: string | null, isBase64Encoded = false): T {
  return validate(schema, readJsonBody(body, isBase64Encoded));
}

function validate<T>(schema: z.ZodType<T>, json: unknown): T {
  const result = schema.safeParse(json);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`);
    throw new RequestError('BODY_INVALID', 'body does not match the schema', problems);
  }
  return result.data;
}
