import { DEMO_LOGIN_PATTERN } from './demo-ciam';
import { DEMO_CIAM_TIMEOUT_SECONDS } from './demo-login';
import type { BackchannelDelivery, EndedSessions } from './demo-sessions';

/**
 * Ends a user's sessions at the demo CIAM through its account API (`POST /demo/users/<login>/logout`), as
 * `npm run logout` does, and says what happened. Every failure is an Error with a one-line message.
 */
export async function endDemoSessions(issuer: string, login: string): Promise<EndedSessions> {
  if (!DEMO_LOGIN_PATTERN.test(login)) throw new Error(`--user must be a demo login name (${DEMO_LOGIN_PATTERN.source}), got "${login}"`);
  const response = await fetch(`${issuer}/demo/users/${login}/logout`, { method: 'POST', signal: AbortSignal.timeout(DEMO_CIAM_TIMEOUT_SECONDS * 1000) });
  if (response.status === 404) throw new Error(`${login} has no session at the demo CIAM (sign in first: npm run token -- --user ${login})`);
  if (!response.ok) throw new Error(`the demo CIAM answered ${response.status}`);
  return (await response.json()) as EndedSessions;
}

/** One line per session ended and per back-channel logout, with the receiver's HTTP status. */
export function describeEndedSessions({ user, sessionsEnded, backchannelLogouts }: EndedSessions): string[] {
  return [
    `ended ${sessionsEnded} session${sessionsEnded === 1 ? '' : 's'} of ${user} at the demo CIAM`,
    ...(backchannelLogouts.length === 0 ? ['no back-channel logout: no client of these sessions registered a back-channel URI'] : []),
    ...backchannelLogouts.map(describeDelivery),
  ];
}

export function failedDeliveries(ended: EndedSessions): readonly BackchannelDelivery[] {
  return ended.backchannelLogouts.filter((delivery) => delivery.error !== undefined);
}

function describeDelivery({ clientId, sid, uri, status, error }: BackchannelDelivery): string {
  const outcome = error === undefined ? `${status}` : `failed: ${error}`;
  return `back-channel logout of ${clientId} (sid ${sid ?? 'none'}) to ${uri}: ${outcome}`;
}
