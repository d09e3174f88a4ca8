import { AdminError, RequestError } from './errors';

/**
 * The admin API's `If-Match` (RFC 9110 §13.1.1): `*` (the brand must exist, whatever its version), or a list of
 * entity tags. A brand's entity tag is its version in quotes, `"3"` (the `ETag` of every admin answer), and If-Match
 * compares strongly: a weak tag (`W/"3"`) or any other tag (`"stale-version-0"`) is well formed but never matches,
 * so it gets 412, as a stale version does. Only a header that is not an entity-tag list is refused as malformed.
 */
export type IfMatch = { readonly any: true } | { readonly any: false; readonly tags: readonly EntityTag[] };

export interface EntityTag {
  readonly weak: boolean;
  /** The tag between its quotes. */
  readonly opaque: string;
}

/** API Gateway takes headers of up to 10 KiB; a version list never needs more than a few bytes. */
const MAX_HEADER_LENGTH = 1024;

/**
 * One list element and the comma (or end) after it: `[W/]"<etagc>*"` between optional spaces. Empty elements are
 * allowed, as RFC 9110 §5.6.1 asks of recipients. etagc is %x21 / %x23-7E / obs-text.
 */
const ELEMENT = /[ \t]*(?:(W\/)?"([\x21\x23-\x7E\x80-\xFF]*)")?[ \t]*(?:,|$)/y;

/** The precondition of `header`, undefined when there is none; a malformed header is a 400 BODY_INVALID. */
export function parseIfMatch(header: string | undefined): IfMatch | undefined {
  if (header === undefined) return undefined;
  if (header.trim() === '*') return { any: true };
  const tags: EntityTag[] = [];
  ELEMENT.lastIndex = 0;
  while (header.length <= MAX_HEADER_LENGTH && ELEMENT.lastIndex < header.length) {
    const start = ELEMENT.lastIndex;
    const match = ELEMENT.exec(header);
    if (!match || ELEMENT.lastIndex === start) break;
    if (match[2] !== undefined) tags.push({ weak: match[1] !== undefined, opaque: match[2] });
  }
  if (header.length > MAX_HEADER_LENGTH || ELEMENT.lastIndex < header.length || tags.length === 0) {
    throw new RequestError('BODY_INVALID', 'If-Match is not a list of entity tags', ['If-Match: must be the version you read as an entity tag, e.g. "3"']);
  }
  return { any: false, tags };
}

/**
 * The version a write must replace, given the precondition and the brand's `current` version (undefined: it does not
 * exist), or undefined for a create. Throws VERSION_REQUIRED (an existing brand and no If-Match) or VERSION_MISMATCH
 * (no tag matches, or the brand does not exist), both naming the current version when there is one.
 */
export function versionToReplace(brandId: string, ifMatch: IfMatch | undefined, current: number | undefined): number | undefined {
  if (ifMatch === undefined) {
    if (current === undefined) return undefined;
    throw versionRequired(brandId, current);
  }
  if (current !== undefined && (ifMatch.any || ifMatch.tags.some((tag) => !tag.weak && tag.opaque === String(current)))) return current;
  throw versionMismatch(brandId, current);
}

/** An existing brand replaced without If-Match: 428, naming its version. */
export function versionRequired(brandId: string, current: number): AdminError {
  return new AdminError('VERSION_REQUIRED', `brand ${brandId} exists at version ${current}: name that version to replace it`, { currentVersion: current });
}

/** The precondition does not hold (or a concurrent write won): 412, naming the version now stored, if any. */
export function versionMismatch(brandId: string, current: number | undefined): AdminError {
  return new AdminError(
    'VERSION_MISMATCH',
    current === undefined ? `brand ${brandId} does not exist` : `brand ${brandId} is at version ${current}, which If-Match does not name`,
    current === undefined ? {} : { currentVersion: current },
  );
}
