/**
 * The one header reader. API Gateway (and the local emulator) keep the client's header case; HTTP header names are
 * case-insensitive, so `name` is given in lower case and matched against every key.
 */
export function headerValue(headers: Readonly<Record<string, string | undefined>> | null | undefined, name: string): string | undefined {
  for (const [key, value] of Object.entries(headers ?? {})) {
    if (key.toLowerCase() === name && typeof value === 'string') return value;
  }
  return undefined;
}
