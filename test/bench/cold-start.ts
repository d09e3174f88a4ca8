import { spawn } from 'node:child_process';
import type { APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { policyAllows, type AuthorizerPolicy } from '../../lib/local/evaluate-policy';
import { median } from './stats';

/**
 * Cold starts as Lambda pays them: a fresh `node` process, with the function's NODE_OPTIONS and environment, that
 * loads a bundled asset and makes its first decision. Its cost is the process's own CPU time (user + system, every
 * thread) and peak RSS, read from its resource usage at the end of that first decision, minus the same for an empty
 * `node` with the same options, so Node's own start-up is not counted.
 */

/** A Lambda function as Lambda starts it: its asset and the environment its template gives it. */
export interface ColdSubject {
  /** `<dir>/index.js`, whose `handler` export is the entry point. */
  readonly asset: string;
  readonly environment: Readonly<Record<string, string>>;
}

export interface ColdRun {
  /** User + system CPU of the whole process. */
  readonly cpuMs: number;
  readonly peakRssMb: number;
  /** Wall time from loading the asset to the end of the first decision; 0 for an empty process. */
  readonly loadAndDecideMs: number;
}

/**
 * Runs in the fresh process (`node -e`): with an asset path, loads it and, given an event, calls `handler` once with
 * it; without, stops at once. Either way it writes its resource usage as JSON to fd 3, apart from the function's logs.
 */
const DRIVER = `
const report = (fields) => {
  const usage = process.resourceUsage();
  require('node:fs').writeSync(3, JSON.stringify({ ...fields, cpuUs: usage.userCPUTime + usage.systemCPUTime, maxRssKb: usage.maxRSS }));
  process.exit(0);
};
const [asset, event] = process.argv.slice(1);
if (!asset) report({});
const started = performance.now();
if (!event) {
  require(asset);
  report({ loadAndDecideMs: performance.now() - started });
}
Promise.resolve()
  .then(() => require(asset).handler(JSON.parse(event)))
  .then((result) => report({ result, loadAndDecideMs: performance.now() - started }), (error) => report({ error: String(error && error.message) }));
`;

interface DriverReport {
  readonly cpuUs: number;
  readonly maxRssKb: number;
  readonly loadAndDecideMs?: number;
  readonly result?: { readonly policyDocument?: AuthorizerPolicy };
  readonly error?: string;
}

/**
 * One fresh process: `subject`'s first decision for `event` (or only its loading, without an event), or an empty
 * `node` when `subject` is undefined.
 */
export async function coldRun(subject: ColdSubject | undefined, nodeOptions: string, event: APIGatewayRequestAuthorizerEvent | undefined): Promise<ColdRun> {
  // Only what Lambda would set: the template's variables, NODE_OPTIONS, and the runtime's region and credentials.
  const environment = { ...LAMBDA_RUNTIME_VARIABLES, ...subject?.environment, NODE_OPTIONS: nodeOptions, PATH: process.env.PATH ?? '' };
  const args = ['-e', DRIVER, ...(subject ? [subject.asset, ...(event ? [JSON.stringify(event)] : [])] : [])];
  const child = spawn(process.execPath, args, { env: environment, stdio: ['ignore', 'ignore', 'pipe', 'pipe'] });
  const [stderr, fd3] = [child.stdio[2], child.stdio[3]].map((stream) => {
    const chunks: Buffer[] = [];
    stream?.on('data', (chunk: Buffer) => chunks.push(chunk));
    return () => Buffer.concat(chunks).toString('utf8');
  }) as [() => string, () => string];
  const code = await new Promise<number | null>((resolve, reject) => child.once('error', reject).once('close', resolve));
  if (code !== 0) throw new Error(`cold run of ${subject?.asset ?? 'an empty node'} exited with ${code}: ${stderr()}`);
  const report = JSON.parse(fd3()) as DriverReport;
  if (subject && event && (report.error !== undefined || !report.result?.policyDocument || !policyAllows(report.result.policyDocument, event.methodArn))) {
    throw new Error(`cold run of ${subject.asset} did not allow its first request: ${report.error ?? JSON.stringify(report.result)}`);
  }
  return { cpuMs: report.cpuUs / 1000, peakRssMb: report.maxRssKb / 1024, loadAndDecideMs: report.loadAndDecideMs ?? 0 };
}

/** Lambda's runtime gives every function its region and role credentials; DynamoDB Local takes any. */
const LAMBDA_RUNTIME_VARIABLES = {
  AWS_REGION: 'us-east-1',
  AWS_DEFAULT_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  AWS_SESSION_TOKEN: 'bench',
} as const;

export interface ColdComparison<Name extends string> {
  /** Per subject: median CPU of its first decision over the empty process's median, in ms. */
  readonly initMs: Readonly<Record<Name, number>>;
  /** Per subject: median peak RSS, in MB (the whole process: an empty node included). */
  readonly peakRssMb: Readonly<Record<Name, number>>;
  /** The empty node's median peak RSS, in MB: the floor under every subject's. */
  readonly emptyPeakRssMb: number;
  /** Per subject: median wall time of loading the asset and making the first decision. */
  readonly loadAndDecideMs: Readonly<Record<Name, number>>;
  /** `subject`'s init over `versus`'s, taken per round and the median kept. */
  readonly ratioOf: (subject: Name, versus: Name) => number;
}

/**
 * `rounds` rounds of one run of each subject and of an empty node, alternating, the order rotating each round so that
 * none always runs first. A ratio is taken per round, between the two subjects' runs of that round (each less the
 * empty node's median CPU), and the median over the rounds kept.
 */
export async function compareColdStarts<Name extends string>(
  subjects: Readonly<Record<Name, ColdSubject>>,
  /** Without an event, each subject is only loaded. */
  options: { readonly rounds: number; readonly nodeOptions: string; readonly event?: APIGatewayRequestAuthorizerEvent },
): Promise<ColdComparison<Name>> {
  const names = Object.keys(subjects) as Name[];
  const slots: (Name | undefined)[] = [undefined, ...names];
  const runs = new Map<Name | undefined, ColdRun[]>(slots.map((slot) => [slot, []]));
  for (let round = 0; round < options.rounds; round += 1) {
    for (let i = 0; i < slots.length; i += 1) {
      const slot = slots[(round + i) % slots.length];
      runs.get(slot)?.push(await coldRun(slot === undefined ? undefined : subjects[slot], options.nodeOptions, options.event));
    }
  }
  const of = (slot: Name | undefined) => runs.get(slot) ?? [];
  const empty = median(of(undefined).map((run) => run.cpuMs));
  const perSubject = (pick: (runs: ColdRun[]) => number) => Object.fromEntries(names.map((name) => [name, pick(of(name))])) as Record<Name, number>;
  return {
    initMs: perSubject((r) => median(r.map((run) => run.cpuMs)) - empty),
    peakRssMb: perSubject((r) => median(r.map((run) => run.peakRssMb))),
    emptyPeakRssMb: median(of(undefined).map((run) => run.peakRssMb)),
    loadAndDecideMs: perSubject((r) => median(r.map((run) => run.loadAndDecideMs))),
    ratioOf: (subject, versus) => median(of(subject).map((run, i) => (run.cpuMs - empty) / ((of(versus)[i]?.cpuMs ?? Number.NaN) - empty))),
  };
}
