import type { Provider } from '../../lambdas/core/brand-config';
import { ConfigValidationError } from '../../lambdas/core/errors';
import { PRESETS } from '../../lambdas/core/provider-presets';
import { parseVersion, readBrandFile } from './brand-file';
import { CliError, UsageError } from './cli-error';

/**
 * The brand config a put (or its dry run) sends, and the version it names: from a file (with the version the file
 * was read at, unless --if-match says otherwise), or built from a provider preset's inputs.
 */
export interface BrandSource {
  /** The brandId argument; with a file, it must agree with the file's. */
  readonly brandId: string | undefined;
  readonly file: string | undefined;
  /** Where a relative file path starts. */
  readonly baseDir: string;
  /** --if-match: replaces the file's version. */
  readonly ifMatch?: string | undefined;
  /** Given when the command can build the config from a preset instead of a file. */
  readonly preset?: PresetRequest;
}

export interface PresetRequest {
  readonly name: string | undefined;
  /** `key=value` pairs. */
  readonly inputs: readonly string[];
  readonly displayName: string | undefined;
  readonly applicationId: string | undefined;
}

export interface BrandToPut {
  readonly brandId: string;
  readonly config: Record<string, unknown>;
  /** The version to send as If-Match. */
  readonly version: number | undefined;
  /** Where the person names the version: in the file, or only with --if-match. */
  readonly versionFrom: 'file' | 'flag';
}

export async function brandToPut(source: BrandSource): Promise<BrandToPut> {
  const ifMatch = source.ifMatch === undefined ? undefined : parseVersion(source.ifMatch, '--if-match');
  if (source.file === undefined) {
    if (!source.preset) throw new UsageError('missing --file <brand.json>');
    if (source.brandId === undefined) throw new UsageError('missing --file <brand.json>, or <brandId> with --preset');
    return { brandId: source.brandId, config: presetConfig(source.brandId, source.preset), version: ifMatch, versionFrom: 'flag' };
  }
  if (source.preset?.name !== undefined) throw new UsageError('pass --file or --preset, not both');
  const { config, version } = await readBrandFile(source.file, source.baseDir);
  const inFile = typeof config.brandId === 'string' ? config.brandId : undefined;
  if (source.brandId !== undefined && inFile !== undefined && source.brandId !== inFile) throw new CliError('usage', `${source.file} is for brand ${inFile}, not ${source.brandId}`);
  const brandId = source.brandId ?? inFile;
  if (brandId === undefined) throw new CliError('usage', `${source.file} has no "brandId": add it, or name the brand before --file`);
  return { brandId, config: { ...config, brandId }, version: ifMatch ?? version, versionFrom: 'file' };
}

/** A brand config from preset inputs plus the operator's own fields; discovery on the server fills the rest. */
function presetConfig(brandId: string, request: PresetRequest): Record<string, unknown> {
  const preset = request.name === undefined ? undefined : PRESETS[request.name as Provider];
  if (!preset) throw new UsageError(`--preset must be one of ${Object.keys(PRESETS).join(', ')}`);
  const inputs = Object.fromEntries(request.inputs.map((pair) => {
    const at = pair.indexOf('=');
    if (at < 1) throw new UsageError(`--input ${pair}: expected key=value`);
    return [pair.slice(0, at), pair.slice(at + 1)];
  }));
  let draft;
  try {
    draft = preset.derive(inputs);
  } catch (err) {
    if (err instanceof ConfigValidationError) throw new CliError('refused', `the ${preset.provider} preset cannot build a config:`, err.problems);
    throw err;
  }
  return {
    ...draft,
    brandId,
    displayName: request.displayName ?? brandId,
    applicationId: request.applicationId ?? draft.applicationId ?? draft.clientId,
  };
}
