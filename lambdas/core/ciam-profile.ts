/**
 * What the CIAM says about its user, mapped through the brand's field mappings and normalised: the input to
 * customer linking. `cuid` is the CIAM's user id (the token's `sub`), kept on the customer's `OAUTH_EXTERNAL`
 * source profile.
 */
export interface CiamProfile {
  readonly cuid: string;
  readonly firstName?: string;
  readonly lastName?: string;
  /** Trimmed and lower-cased. */
  readonly email?: string;
  readonly emailVerified: boolean;
  /** E.164. */
  readonly mobile?: string;
  readonly mobileVerified: boolean;
}
