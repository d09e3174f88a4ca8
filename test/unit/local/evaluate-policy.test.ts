/**
 * `policyAllows` is the oracle the emulator and the authorizer tests trust, so it is pinned here against API
 * Gateway's and IAM's documented rules: "Control access for invoking an API" and "IAM policy examples for API
 * execution permissions" (API Gateway developer guide), and "Policy evaluation logic" and "IAM JSON policy
 * elements: Action / Resource" (IAM user guide). Each case names the rule it pins.
 */
import { policyAllows, type PolicyStatement } from '../../../lib/local/evaluate-policy';

const API = 'arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5/prod';
const arn = (methodAndPath: string) => `${API}/${methodAndPath}`;
const allow = (...resources: string[]): PolicyStatement => ({ Effect: 'Allow', Action: 'execute-api:Invoke', Resource: resources });
const deny = (...resources: string[]): PolicyStatement => ({ Effect: 'Deny', Action: 'execute-api:Invoke', Resource: resources });
const allows = (statements: PolicyStatement[], methodArn: string) => policyAllows({ Statement: statements }, methodArn);

describe('resource ARNs', () => {
  it('matches an exact method ARN, and nothing longer, shorter or on another method', () => {
    // Resource format: arn:aws:execute-api:region:account-id:api-id/stage/HTTP-VERB/resource-path.
    const policy = [allow(arn('GET/v1/whoami'))];
    expect(allows(policy, arn('GET/v1/whoami'))).toBe(true);
    expect(allows(policy, arn('GET/v1/whoami/x'))).toBe(false);
    expect(allows(policy, arn('GET/v1/who'))).toBe(false);
    expect(allows(policy, arn('POST/v1/whoami'))).toBe(false);
  });

  it('compares ARNs case-sensitively', () => {
    // ARNs, and so execute-api resource paths, are case-sensitive.
    expect(allows([allow(arn('GET/v1/whoami'))], arn('GET/v1/WhoAmI'))).toBe(false);
    expect(allows([allow(arn('GET/v1/whoami'))], arn('get/v1/whoami'))).toBe(false);
  });

  it('lets `*` match any run of characters, `/` included, and an empty one', () => {
    // IAM: `*` matches any combination of characters; in execute-api ARNs a trailing `*` covers every sub-resource
    // ("any POST method along the path of mydemoresource": .../test/POST/mydemoresource/*).
    const policy = [allow(arn('GET/v1/items/*'))];
    expect(allows(policy, arn('GET/v1/items/1'))).toBe(true);
    expect(allows(policy, arn('GET/v1/items/1/history'))).toBe(true);
    expect(allows(policy, arn('GET/v1/items/'))).toBe(true);
    expect(allows(policy, arn('GET/v1/items'))).toBe(false);
  });

  it('matches a path parameter with `*`, which also covers deeper paths (no single-segment wildcard exists)', () => {
    // How the authorizer writes `/v1/admin/brands/{brandId}`; a `*` in mid-path spans segments as anywhere else.
    const policy = [allow(arn('PUT/v1/admin/brands/*'), arn('POST/v1/admin/brands/*/check'))];
    expect(allows(policy, arn('PUT/v1/admin/brands/acme'))).toBe(true);
    expect(allows(policy, arn('PUT/v1/admin/brands/acme/extra'))).toBe(true);
    expect(allows(policy, arn('POST/v1/admin/brands/acme/check'))).toBe(true);
    expect(allows(policy, arn('POST/v1/admin/brands/a/b/check'))).toBe(true);
    expect(allows(policy, arn('POST/v1/admin/brands/acme/checks'))).toBe(false);
  });

  it('lets `?` match exactly one character', () => {
    // IAM: `?` matches any single character.
    const policy = [allow(arn('GET/v1/item?'))];
    expect(allows(policy, arn('GET/v1/items'))).toBe(true);
    expect(allows(policy, arn('GET/v1/item/'))).toBe(true);
    expect(allows(policy, arn('GET/v1/item'))).toBe(false);
    expect(allows(policy, arn('GET/v1/itemss'))).toBe(false);
  });

  it('takes every other character literally, regular-expression syntax included', () => {
    const policy = [allow(arn('GET/v1/a.b+(c)'))];
    expect(allows(policy, arn('GET/v1/a.b+(c)'))).toBe(true);
    expect(allows(policy, arn('GET/v1/aXb+(c)'))).toBe(false);
    expect(allows(policy, arn('GET/v1/a.bb(c)'))).toBe(false);
  });

  it('matches a wildcard method (`*/GET/...` style) and a wildcard stage, region or account', () => {
    // "Any method on petstorewalkthrough/pets, in any stage, in any region": arn:aws:execute-api:*:*:api-id/*/*/petstorewalkthrough/pets.
    const anyMethod = [allow(arn('*/v1/customers/link'))];
    expect(allows(anyMethod, arn('POST/v1/customers/link'))).toBe(true);
    expect(allows(anyMethod, arn('DELETE/v1/customers/link'))).toBe(true);
    expect(allows(anyMethod, arn('POST/v1/customers/links'))).toBe(false);
    const anywhere = [allow('arn:aws:execute-api:*:*:a1b2c3d4e5/*/GET/v1/whoami')];
    expect(allows(anywhere, arn('GET/v1/whoami'))).toBe(true);
    expect(allows(anywhere, 'arn:aws:execute-api:us-east-1:999999999999:a1b2c3d4e5/dev/GET/v1/whoami')).toBe(true);
    expect(allows(anywhere, 'arn:aws:execute-api:us-east-1:999999999999:zzzzzzzzzz/dev/GET/v1/whoami')).toBe(false);
  });

  it('allows when any resource of a statement matches (Resource as a string or a list)', () => {
    expect(allows([{ Effect: 'Allow', Action: 'execute-api:Invoke', Resource: arn('GET/v1/me') }], arn('GET/v1/me'))).toBe(true);
    expect(allows([allow(arn('GET/v1/whoami'), arn('GET/v1/me'))], arn('GET/v1/me'))).toBe(true);
  });
});

describe('effects', () => {
  it('denies when no statement matches (implicit deny), and for an empty policy', () => {
    // IAM evaluation: a request is denied by default unless an Allow applies.
    expect(allows([allow(arn('GET/v1/whoami'))], arn('GET/v1/me'))).toBe(false);
    expect(allows([], arn('GET/v1/me'))).toBe(false);
    expect(allows([deny(arn('GET/v1/whoami'))], arn('GET/v1/me'))).toBe(false);
  });

  it('lets an explicit Deny win over any Allow, in either order and under a wider Allow', () => {
    // IAM evaluation: an explicit deny in any statement overrides every allow.
    expect(allows([allow(arn('*')), deny(arn('GET/v1/me'))], arn('GET/v1/me'))).toBe(false);
    expect(allows([deny(arn('GET/v1/me')), allow(arn('GET/v1/me'))], arn('GET/v1/me'))).toBe(false);
    expect(allows([allow(arn('*')), deny(arn('GET/v1/me'))], arn('GET/v1/whoami'))).toBe(true);
  });

  it('denies everything under a Deny of `<api>/<stage>/*`, the policy of a token missing brand scopes', () => {
    const policy = [allow(arn('GET/v1/whoami')), deny(arn('*'))];
    expect(allows(policy, arn('GET/v1/whoami'))).toBe(false);
    expect(allows(policy, arn('POST/v1/customers/link'))).toBe(false);
  });
});

describe('actions', () => {
  it.each(['execute-api:Invoke', 'execute-api:*', '*', 'execute-api:invoke', 'EXECUTE-API:INVOKE', 'execute-api:Inv*', ['s3:GetObject', 'execute-api:Invoke']])(
    'counts a statement whose Action is %j',
    (Action) => {
      // IAM: action names are case-insensitive and take the same wildcards; a list needs one matching action.
      expect(allows([{ Effect: 'Allow', Action, Resource: arn('*') }], arn('GET/v1/me'))).toBe(true);
      expect(allows([allow(arn('*')), { Effect: 'Deny', Action, Resource: arn('*') }], arn('GET/v1/me'))).toBe(false);
    },
  );

  it.each(['execute-api:ManageConnections', 'execute-api:InvalidateCache', 's3:*', 'execute-api', ['s3:GetObject']])(
    'ignores a statement whose Action is %j, Allow or Deny',
    (Action) => {
      // A statement applies only to the actions it names: API Gateway asks about execute-api:Invoke alone.
      expect(allows([{ Effect: 'Allow', Action, Resource: arn('*') }], arn('GET/v1/me'))).toBe(false);
      expect(allows([allow(arn('*')), { Effect: 'Deny', Action, Resource: arn('*') }], arn('GET/v1/me'))).toBe(true);
    },
  );
});
