import { request } from 'node:http';
import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { JwtRsaVerifier } from 'aws-jwt-verify';
import type { Fetcher } from 'aws-jwt-verify/https';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';

/**
 * The hand-written REQUEST authorizer the cold-start ratios compare the shipped asset with: the least a
 * multi-brand authorizer must do on its first call. It reads the brand named by `X-Brand-Id` (one GetItem, made by
 * the `readBrand` each baseline brings), fetches that brand's JWKS, verifies the bearer token with aws-jwt-verify's
 * `JwtRsaVerifier`, and allows the whole stage. Nothing more: no policy per route, no token-type or scope rules.
 */

/** The brand fields the baseline needs, as the brand table stores them (DynamoDB JSON). */
export interface BaselineBrand {
  readonly issuer: string;
  readonly jwksUri: string;
  readonly audiences: readonly string[];
}

export type ReadBrand = (brandId: string) => Promise<BaselineBrand | undefined>;

type AttributeValue = { readonly S?: string; readonly L?: readonly AttributeValue[] };

/** A GetItem `Item` in DynamoDB JSON to the brand fields, or undefined when the brand is missing. */
export function brandOfItem(item: Readonly<Record<string, AttributeValue>> | undefined): BaselineBrand | undefined {
  if (!item?.issuer?.S || !item.jwksUri?.S || !item.audiences?.L) return undefined;
  return { issuer: item.issuer.S, jwksUri: item.jwksUri.S, audiences: item.audiences.L.flatMap((a) => (a.S ? [a.S] : [])) };
}

/**
 * aws-jwt-verify's own fetcher speaks https only; the bench's JWKS server is on loopback http. This is the same
 * request over node:http, so the baseline's first call costs what it would against an https JWKS, minus TLS.
 */
const loopbackFetcher: Fetcher = {
  fetch: (uri) =>
    new Promise((resolve, reject) => {
      request(uri, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const body = Buffer.concat(chunks);
          if (response.statusCode === 200) resolve(body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer);
          else reject(new Error(`JWKS answered ${response.statusCode}`));
        });
      })
        .on('error', reject)
        .end();
    }),
};

const header = (event: APIGatewayRequestAuthorizerEvent, name: string): string | undefined =>
  Object.entries(event.headers ?? {}).find(([key]) => key.toLowerCase() === name)?.[1];

export function baselineAuthorizer(readBrand: ReadBrand): (event: APIGatewayRequestAuthorizerEvent) => Promise<APIGatewayAuthorizerResult> {
  const jwksCache = new SimpleJwksCache({ fetcher: loopbackFetcher });
  return async (event) => {
    const token = /^Bearer (\S+)$/.exec(header(event, 'authorization') ?? '')?.[1];
    const brandId = header(event, 'x-brand-id');
    const brand = token && brandId ? await readBrand(brandId) : undefined;
    if (!token || !brand) throw new Error('Unauthorized');
    const verifier = JwtRsaVerifier.create({ issuer: brand.issuer, audience: [...brand.audiences], jwksUri: brand.jwksUri }, { jwksCache });
    const payload = await verifier.verify(token).catch(() => {
      throw new Error('Unauthorized');
    });
    const stage = event.methodArn.split('/').slice(0, 2).join('/');
    return {
      principalId: `${brandId}|${payload.sub}`,
      policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: `${stage}/*/*` }] },
      context: { brandId: brandId ?? '', sub: payload.sub },
    };
  };
}
