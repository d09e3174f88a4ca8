/**
 * `npm run logout -- --user NAME`: ends that user's sessions at local mode's demo CIAM (at 127.0.0.1:CIAM_PORT), as a
 * logout at the CIAM would, and prints what happened: the sessions ended, and each back-channel logout the demo CIAM
 * sent to the gateway's receiver with its HTTP status. Local mode (`npm start`) must be running. Any failure, a
 * back-channel logout that failed included, is one line on stderr and exit code 1.
 */
import { parseArgs } from 'node:util';
import { demoCiamIssuer, runDemoCiamScript } from '../lib/local/demo-ciam-script';
import { describeEndedSessions, endDemoSessions, failedDeliveries } from '../lib/local/demo-logout';

const issuer = demoCiamIssuer(process.env);

runDemoCiamScript('logout', issuer, async (print) => {
  const { values } = parseArgs({ options: { user: { type: 'string' } } });
  if (values.user === undefined) throw new Error('--user NAME is required: npm run logout -- --user NAME');
  const ended = await endDemoSessions(issuer, values.user);
  describeEndedSessions(ended).forEach((line) => print(line));
  const failed = failedDeliveries(ended);
  if (failed.length > 0) throw new Error(`${failed.length} of ${ended.backchannelLogouts.length} back-channel logouts failed`);
});
