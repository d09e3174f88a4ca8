import type { GatewayResponseDefinition } from '../gateway-responses';

/** What the emulator sends back for one request, whether an integration answered or the gateway itself did. */
export interface Reply {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string | string[]>>;
  readonly body: string | Buffer;
  /** Why the gateway answered itself, for the log. */
  readonly note?: string;
}

/** A gateway response the stack customises, sent exactly as configured, plus any emulator-only headers. */
export function gatewayResponseReply(response: GatewayResponseDefinition, note: string, extraHeaders: Readonly<Record<string, string>> = {}): Reply {
  return {
    statusCode: response.statusCode,
    headers: { ...response.headers, 'content-type': response.contentType, ...extraHeaders },
    body: JSON.stringify(response.body),
    note,
  };
}

/** API Gateway's own `{"message": …}` answers, for the responses the stack leaves at their defaults. */
export function messageReply(statusCode: number, message: string, note: string): Reply {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ message }), note };
}
