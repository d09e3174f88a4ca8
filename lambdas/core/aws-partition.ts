/**
 * The DNS domain of a region's partition, which its service endpoints (and Cognito's issuers) live under:
 * `amazonaws.com`, `amazonaws.com.cn` for China, `amazonaws.eu` for the European Sovereign Cloud.
 */
export function awsDomainOf(region: string): string {
  if (region.startsWith('cn-')) return 'amazonaws.com.cn';
  if (region.startsWith('eusc-')) return 'amazonaws.eu';
  return 'amazonaws.com';
}
