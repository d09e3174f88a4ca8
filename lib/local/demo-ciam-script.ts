import { explainNetworkError, oneLine } from '../cli/explain-failure';
import { DEMO_CIAM_TIMEOUT_SECONDS } from './demo-login';
import { LOCAL_DEFAULTS } from './local-settings';

/**
 * What the scripts that talk to local mode's demo CIAM share (`npm run token`, `npm run logout`): where it is, at
 * 127.0.0.1:CIAM_PORT as `npm start` binds it, and how they end: what they print on stdout, or, on any failure, one
 * line on stderr and exit code 1.
 */
export function demoCiamIssuer(env: Readonly<Record<string, string | undefined>>): string {
  return `http://127.0.0.1:${env.CIAM_PORT || LOCAL_DEFAULTS.ciamPort}`;
}

export function runDemoCiamScript(name: string, issuer: string, main: (print: (line: string) => void) => Promise<void>): void {
  main((line) => process.stdout.write(`${line}\n`)).catch((err: unknown) => {
    const reason = isNetworkFailure(err)
      ? `${explainNetworkError(err, issuer, DEMO_CIAM_TIMEOUT_SECONDS).message}: is local mode running? (npm start)`
      : oneLine(err instanceof Error ? err.message : String(err));
    console.error(`${name}: ${reason}`);
    process.exit(1);
  });
}

/** fetch rejects with TypeError('fetch failed') for any network failure, and a TimeoutError past its deadline. */
function isNetworkFailure(err: unknown): boolean {
  return (err instanceof TypeError && err.message === 'fetch failed') || (err instanceof Error && err.name === 'TimeoutError');
}
