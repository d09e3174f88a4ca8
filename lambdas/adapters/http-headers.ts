/**
 * The one header reader. API Gateway (and the local emulator) keep the client's header case; HTTP header names are
 * case-insensitive, so `name` is given in lower case and matched against every key. It runs twice per authorizer
 * call, so the usual spellings are found without allocating.
 */
export function headerValue(headers: Readonly<Record<string, string | undefined>> | null | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  const exact = Object.hasOwn(headers, name) ? headers[name] : undefined;
  if (typeof exact === 'string') return exact;
  for (const key in headers) {
    if (key.length !== name.length || !Object.hasOwn(headers, key) || key.toLowerCase() !== name) continue;
    const value = headers[key];
    if (typeof value === 'string') return value;
  }
  return undefined;
}
