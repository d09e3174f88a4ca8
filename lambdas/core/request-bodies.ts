import { z } from 'zod';
import { RequestError } from './errors';

/**
 * Bodies the customer routes accept, as closed schemas: unknown keys, wrong types and oversized values are
 * refused with a 400 whose `problems` name each field; nothing is written.
 */
export const MAX_BODY_BYTES = 8 * 1024;

/** Extra registration fields the CIAM does not capture, merged into the customer as the `INSTORE` source profile. */
export const registrationSchema = z
  .strictObject({
    dateOfBirth: z.iso.date(),
    gender: z.enum(['female', 'male', 'non-binary', 'undisclosed']),
    city: z.string().trim().min(1).max(64),
    postalCode: z.string().trim().regex(/^[A-Za-z0-9 -]{2,12}$/),
    country: z.string().regex(/^[A-Z]{2}$/, 'ISO 3166-1 alpha-2, upper case'),
    preferredStoreId: z.string().regex(/^[A-Za-z0-9-]{1,32}$/),
    marketingOptIn: z.boolean(),
  })
  .partial()
  .refine((fields) => Object.keys(fields).length > 0, 'at least one field is required');

export type RegistrationFields = z.infer<typeof registrationSchema>;

/** Step two of an identifier change: which identifier changed at the CIAM. */
export const identifierChangeSchema = z.strictObject({ type: z.enum(['email', 'mobile']) });

/** A login link has no fields of its own: its body, if any, carries only the ID token. */
export const linkSchema = z.strictObject({});

/** Only a string here (the body cap bounds it): the brand's profile source verifies it as a token, and an empty one is missing (401). */
const idTokenSchema = z.string().optional();

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
 * A customer route's body: the route's own fields, checked by `schema`, and the optional `idToken` beside them that
 * brands whose profile source is `id_token` need. Every problem of both is named at once.
 */
export function parseBodyWithIdToken<T>(schema: z.ZodType<T>, body: string | null, isBase64Encoded = false): { readonly idToken: string | undefined; readonly fields: T } {
  const json = readJsonBody(body, isBase64Encoded);
  const hasIdToken = typeof json === 'object' && json !== null && !Array.isArray(json) && Object.hasOwn(json, 'idToken');
  const { idToken, ...fields } = hasIdToken ? (json as Record<string, unknown>) : {};
  const token = idTokenSchema.safeParse(idToken);
  const result = schema.safeParse(hasIdToken ? fields : json);
  const problems = [...(token.success ? [] : problemsOf(token.error, 'idToken')), ...(result.success ? [] : problemsOf(result.error))];
  if (!token.success || !result.success) throw new RequestError('BODY_INVALID', 'body does not match the schema', problems);
  return { idToken: token.data, fields: result.data };
}

function problemsOf(error: z.ZodError, field?: string): string[] {
  return error.issues.map((issue) => `${[...(field === undefined ? [] : [field]), ...issue.path].join('.') || 'body'}: ${issue.message}`);
}
