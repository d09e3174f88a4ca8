/** Which region the CLI signs for when --region is not given. */
import { executeApiRegion } from '../../../lib/cli/admin-client';

it.each([
  ['https://abc123.execute-api.eu-west-1.amazonaws.com/prod', 'eu-west-1'],
  ['https://abc123.execute-api.us-gov-west-1.amazonaws.com', 'us-gov-west-1'],
  ['https://abc123.execute-api.ap-south-2.amazonaws.com:443/dev/', 'ap-south-2'],
  ['https://admin.example.com/prod', undefined],
  ['https://evil.example/abc.execute-api.eu-west-1.amazonaws.com', undefined],
  ['http://127.0.0.1:3000', undefined],
])('%s signs for %s', (endpoint, region) => {
  expect(executeApiRegion(endpoint)).toBe(region);
});
