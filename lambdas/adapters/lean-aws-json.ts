/**
 * Signed JSON calls to an AWS service (DynamoDB, Secrets Manager) without the AWS SDK: SigV4 by aws4 (on node:crypto)
 * over node:https, with the parts of the SDK's behaviour an authorizer needs (retries with jittered backoff on
 * throttling, 5xx and dropped connections, a deadline per attempt, errors named as the service names them) and none
 * of its weight. The SDK costs a cold start about 100 ms of CPU and 20 MB; this costs a few milliseconds. node:https
 * is what the JWKS fetch loads anyway (fetch would load Node's undici as well).
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { sign } from 'aws4';
import { awsDomainOf } from '../core/aws-partition';

export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** Lambda's role credentials always have one. */
  readonly sessionToken?: string;
}

export interface LeanAwsOptions {
  readonly region: string;
  readonly credentials: AwsCredentials;
  /** @default `https://<service>.<region>.<partition's domain>` */
  readonly endpoint?: string;
  /** Tries per call, the first included. @default 3 */
  readonly maxAttempts?: number;
  /** Deadline of one attempt: connect, send and read the whole answer. @default 1000 */
  readonly attemptTimeoutMs?: number;
  /** Backoff before retry n (1-based) is `random() × min(maxDelayMs, baseDelayMs × 2^n)` ("full jitter"). @default 25 */
  readonly baseDelayMs?: number;
  /** @default 250 */
  readonly maxDelayMs?: number;
  /** @default Math.random */
  readonly random?: () => number;
}

/** How one service speaks the AWS JSON protocol: its signing name, `X-Amz-Target` prefix and JSON version. */
export interface AwsJsonProtocol {
  /** The SigV4 service name and endpoint prefix (`dynamodb`, `secretsmanager`). */
  readonly service: string;
  /** `X-Amz-Target: <targetPrefix>.<operation>`. */
  readonly targetPrefix: string;
  readonly jsonVersion: '1.0' | '1.1';
}

/** A failed AWS call, named like the SDK names it (`ThrottlingException`, `ExpiredTokenException`, `TimeoutError`…). */
export class AwsCallError extends Error {
  constructor(
    readonly name: string,
    message: string,
    /** The HTTP status, or undefined when no answer came. */
    readonly status: number | undefined,
  ) {
    super(message);
  }
}

/**
 * Errors worth another try, as the SDK's standard retry mode sees them: throttling and server-side failures.
 * Credential errors (`ExpiredTokenException`, `UnrecognizedClientException`) and bad requests are not: trying again
 * cannot change their answer.
 */
const THROTTLING = new Set(['ThrottlingException', 'ProvisionedThroughputExceededException', 'RequestLimitExceeded', 'LimitExceededException']);
const NO_ANSWER = new Set(['TimeoutError', 'NetworkingError']);

function retryable(error: AwsCallError): boolean {
  return THROTTLING.has(error.name) || NO_ANSWER.has(error.name) || (error.status ?? 0) >= 500;
}

/** An answer is JSON; one this large is not one we asked for. */
const MAX_ANSWER_BYTES = 1024 * 1024;

export class LeanAwsJsonClient {
  private readonly endpoint: URL;
  private readonly transport: { readonly request: typeof httpsRequest; readonly agent: HttpAgent };
  private readonly maxAttempts: number;
  private readonly attemptTimeoutMs: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly random: () => number;

  constructor(
    private readonly options: LeanAwsOptions,
    private readonly protocol: AwsJsonProtocol,
  ) {
    this.endpoint = new URL(options.endpoint ?? `https://${protocol.service}.${options.region}.${awsDomainOf(options.region)}`);
    // Kept alive across invocations, so a warm container skips the TLS handshake.
    this.transport =
      this.endpoint.protocol === 'https:'
        ? { request: httpsRequest, agent: new HttpsAgent({ keepAlive: true }) }
        : { request: httpRequest, agent: new HttpAgent({ keepAlive: true }) };
    this.maxAttempts = options.maxAttempts ?? 3;
    this.attemptTimeoutMs = options.attemptTimeoutMs ?? 1000;
    this.baseDelayMs = options.baseDelayMs ?? 25;
    this.maxDelayMs = options.maxDelayMs ?? 250;
    this.random = options.random ?? Math.random;
  }

  /** Tries per call, for callers that retry at their own level (BatchGetItem's unprocessed keys). */
  get attempts(): number {
    return this.maxAttempts;
  }
  /** One API call (`X-Amz-Target: <targetPrefix>.<operation>`), retried as the SDK would. */
  async call(operation: string, payload: unknown): Promise<unknown> {
    const body = JSON.stringify(payload);
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.attempt(operation, body);
      } catch (err) {
        if (!(err instanceof AwsCallError) || !retryable(err) || attempt >= this.maxAttempts) throw err;
        await this.backOff(attempt);
      }
    }
  }

  backOff(attempt: number): Promise<void> {
    const delay = this.random() * Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** attempt);
    return new Promise((resolve) => setTimeout(resolve, delay));
  }

  private attempt(operation: string, body: string): Promise<unknown> {
    // Signed per attempt: the signature covers X-Amz-Date, and credentials are read as given (Lambda's never change
    // within an execution environment).
    const signed = sign(
      {
        host: this.endpoint.host,
        path: '/',
        method: 'POST',
        service: this.protocol.service,
        region: this.options.region,
        headers: { 'content-type': `application/x-amz-json-${this.protocol.jsonVersion}`, 'x-amz-target': `${this.protocol.targetPrefix}.${operation}` },
        body,
      },
      this.options.credentials,
    );
    return new Promise((resolve, reject) => {
      let settled = false;
      const settle = (outcome: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        outcome();
      };
      const fail = (error: AwsCallError) =>
        settle(() => {
          req.destroy(); // never reuse a socket that was left mid-answer
          reject(error);
        });
      const req = this.transport.request(
        { protocol: this.endpoint.protocol, hostname: this.endpoint.hostname, port: this.endpoint.port, path: '/', method: 'POST', headers: signed.headers, agent: this.transport.agent },
        (res) =>
          readAnswer(res).then(
            (answer) => settle(() => (answer instanceof AwsCallError ? reject(answer) : resolve(answer))),
            (err: unknown) => fail(err instanceof AwsCallError ? err : new AwsCallError('NetworkingError', `${operation}: answer cut off`, res.statusCode)),
          ),
      );
      const deadline = setTimeout(() => fail(new AwsCallError('TimeoutError', `${operation}: no answer within ${this.attemptTimeoutMs} ms`, undefined)), this.attemptTimeoutMs);
      req.on('error', (err: NodeJS.ErrnoException) => fail(new AwsCallError('NetworkingError', `${operation}: ${err.code ?? err.message}`, undefined)));
      req.end(body);
    });
  }
}

/** The answer's JSON, or the error the service names (`__type` is `<namespace>#<ErrorName>`). */
async function readAnswer(res: IncomingMessage): Promise<unknown> {
  const status = res.statusCode ?? 0;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_ANSWER_BYTES) throw new AwsCallError('AnswerTooLarge', `answer over ${MAX_ANSWER_BYTES} bytes`, status);
    chunks.push(chunk);
  }
  let json: { __type?: unknown; message?: unknown; Message?: unknown } | undefined;
  try {
    json = JSON.parse(Buffer.concat(chunks, size).toString('utf8')) as typeof json;
  } catch {
    json = undefined;
  }
  if (status === 200 && json !== undefined) return json;
  const type = typeof json?.__type === 'string' ? (json.__type.split('#').pop() ?? '') : '';
  const message = json?.message ?? json?.Message;
  return new AwsCallError(type || (status >= 500 ? 'InternalServerError' : `HTTP${status}`), typeof message === 'string' ? message.slice(0, 200) : `status ${status}`, status);
}
