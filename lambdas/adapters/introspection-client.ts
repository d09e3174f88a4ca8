/**
 * Asks a brand's CIAM about an opaque token (RFC 7662) as the gateway's own client there, authenticated with
 * `client_secret_basic` or `client_secret_post` (RFC 6749 §2.3.1). The endpoint is brand-controlled: the bounded
 * fetcher caps time and size and refuses redirects. No retry: the authorizer fails closed and its negative cache
 * spares the CIAM, except one fresh read of the secret when the CIAM refuses the client (a rotated secret).
 */
import type { BrandConfig, IntrospectionSettings } from '../core/brand-config';
import { FetchStatusError, UpstreamError, type CiamGatewayError } from '../core/errors';
import type { JsonPoster } from './bounded-fetch';
import type { BrandSecrets } from './brand-secrets';
import { translateError } from './library-errors';

export interface IntrospectionClient {
  /**
   * The endpoint's JSON answer, unchecked (opaque-token-answer.ts holds its rules). Rejects with UpstreamError
   * INTROSPECTION_CLIENT_REFUSED (the client was refused even with a freshly read secret), INTROSPECTION_INVALID (not
   * JSON), INTROSPECTION_UNAVAILABLE (anything else, the fetcher's error kept as `cause`) or SECRET_UNAVAILABLE.
   */
  introspect(brand: Pick<BrandConfig, 'brandId'> & { readonly introspection: IntrospectionSettings }, token: string): Promise<unknown>;
}

/** RFC 6749 §2.3.1: id and secret are form-encoded before they are joined for Basic. */
const formEncoded = (value: string) => new URLSearchParams({ v: value }).toString().slice(2);

export function createIntrospectionClient(props: { readonly poster: JsonPoster; readonly secrets: BrandSecrets }): IntrospectionClient {
  return {
    async introspect(brand, token) {
      const { endpoint, clientId, clientSecretRef, authMethod } = brand.introspection;
      const ask = async (fresh: boolean) => {
        const secret = await props.secrets.secretOf(brand.brandId, clientSecretRef, { fresh });
        const form = { token, token_type_hint: 'access_token' };
        return authMethod === 'client_secret_post'
          ? props.poster.postForm(endpoint, { ...form, client_id: clientId, client_secret: secret })
          : props.poster.postForm(endpoint, form, { headers: { authorization: `Basic ${Buffer.from(`${formEncoded(clientId)}:${formEncoded(secret)}`).toString('base64')}` } });
      };
      try {
        try {
          return (await ask(false)).body;
        } catch (err) {
          if (!clientRefused(err)) throw err;
          return (await ask(true)).body;
        }
      } catch (err) {
        throw classify(translateError(err, 'http'), brand.brandId);
      }
    },
  };
}

/**
 * RFC 6749 §5.2: a refused client authentication is a 401 `invalid_client`. A 400 is not taken for one: it is also
 * what a CIAM answers a request it will not serve (oidc-provider for a JWT), and the bounded fetcher keeps no error
 * body to tell them apart; a CIAM that answers `invalid_client` with 400 sees a rotated secret within five minutes.
 */
function clientRefused(err: unknown): boolean {
  return err instanceof FetchStatusError && err.httpStatus === 401;
}

function classify(err: CiamGatewayError, brandId: string): CiamGatewayError {
  // The fetcher's messages name the method and origin+path only, never the form, so neither token nor secret leaks.
  const what = `brand ${brandId} introspection`;
  if (err.code === 'SECRET_UNAVAILABLE') return err;
  if (clientRefused(err)) return new UpstreamError('INTROSPECTION_CLIENT_REFUSED', `${what}: the gateway's client was refused (${(err as FetchStatusError).httpStatus})`, { cause: err });
  if (err.code === 'FETCH_NOT_JSON') return new UpstreamError('INTROSPECTION_INVALID', `${what}: answer is not JSON`, { cause: err });
  return new UpstreamError('INTROSPECTION_UNAVAILABLE', `${what}: ${err.code}`, { cause: err });
}
