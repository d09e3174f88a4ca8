import { Token, type Duration } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { STAGE_NAME_PATTERN } from './stage-config';

/**
 * How the constructs check their props: every problem is collected first, then thrown at once, naming the construct
 * by path, before any resource is made (so a bad prop never leaves a half-built tree behind).
 */
export function throwIfInvalid(construct: Construct, constructName: string, problems: readonly string[]): void {
  if (problems.length === 0) return;
  throw new Error(`Invalid ${constructName} props at ${construct.node.path}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
}

/**
 * A problem when `stage` is not a stage name. Most constructs need a literal one, since it names SSM paths such as
 * the registry `/ciam-gateway/<stage>/apis`; only where `tokenAllowed` may it be a deploy-time value.
 */
export function stageProblems(stage: string, options: { readonly tokenAllowed?: boolean } = {}): string[] {
  if (options.tokenAllowed && Token.isUnresolved(stage)) return [];
  if (STAGE_NAME_PATTERN.test(stage)) return [];
  const got = JSON.stringify(stage);
  return [options.tokenAllowed ? `stage must match ${STAGE_NAME_PATTERN} (got ${got})` : `stage must be a literal stage name matching ${STAGE_NAME_PATTERN} (got ${got})`];
}

export interface Range {
  readonly min: number;
  readonly max: number;
}

/** A problem when `value` (unless left out or a token) is not a whole number of seconds within `range`. */
export function secondsProblem(name: string, value: Duration | undefined, range: Range): string[] {
  if (value === undefined || value.isUnresolved()) return [];
  const seconds = value.toSeconds({ integral: false });
  return isWholeInRange(seconds, range) ? [] : [outOfRange(name, value.toHumanString(), range, 'seconds')];
}

export function isWholeInRange(value: number, range: Range): boolean {
  return Number.isInteger(value) && value >= range.min && value <= range.max;
}

export function outOfRange(name: string, got: string, range: Range, unit: string): string {
  return `${name} must be a whole number of ${unit} from ${range.min} to ${range.max} (got ${got})`;
}
