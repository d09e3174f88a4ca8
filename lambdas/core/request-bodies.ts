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
  const result = schema.safeParse(readJsonBody(body, isBase64Encoded));
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`);
    throw new RequestError('BODY_INVALID', 'body does not match the schema', problems);
  }
  return result.data;
}
