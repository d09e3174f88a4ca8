/**
 * Each AWS partition's DNS suffix, by region prefix (as in the AWS SDK's partition table), most specific first: a
 * region's service endpoints (DynamoDB's for the authorizer) and Cognito's issuers live under it.
 */
const AWS_PARTITION_DOMAINS: readonly (readonly [string, string])[] = [
  ['us-isob-', 'sc2s.sgov.gov'],
  ['us-isof-', 'csp.hci.ic.gov'],
  ['us-iso-', 'c2s.ic.gov'],
  ['eu-isoe-', 'cloud.adc-e.uk'],
  ['cn-', 'amazonaws.com.cn'],
  ['eusc-', 'amazonaws.eu'],
];

export function awsDomainOf(region: string): string {
  return AWS_PARTITION_DOMAINS.find(([prefix]) => region.startsWith(prefix))?.[1] ?? 'amazonaws.com';
}
