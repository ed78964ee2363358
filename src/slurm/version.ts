import { SlurmApiError } from './errors.js';
import { readNumber, readText } from './normalise.js';

const versionPattern = /^v(\d+)\.(\d+)\.(\d+)$/;

/** Compares two API versions such as `v0.0.38` and `v0.0.42` numerically. */
export function compareApiVersions(a: string, b: string): number {
  const partsA = versionPattern.exec(a)?.slice(1).map(Number) ?? [];
  const partsB = versionPattern.exec(b)?.slice(1).map(Number) ?? [];
  for (let index = 0; index < 3; index += 1) {
    const difference = (partsA[index] ?? 0) - (partsB[index] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}

/**
 * Lists the `/slurm/vX` API versions whose paths an OpenAPI document (slurmrestd's
 * `GET /openapi/v3`) contains, oldest first. Database versions (`/slurmdb/`) are left out.
 */
export function servedApiVersions(spec: unknown): string[] {
  const paths = typeof spec === 'object' && spec !== null ? (spec as { paths?: unknown }).paths : undefined;
  if (typeof paths !== 'object' || paths === null) return [];

  const versions = new Set<string>();
  for (const path of Object.keys(paths)) {
    const match = /^\/slurm\/(v\d+\.\d+\.\d+)\//.exec(path);
    if (match?.[1]) versions.add(match[1]);
  }
  return [...versions].sort(compareApiVersions);
}

/**
 * Picks the API version to use: the configured one when pinned, else the newest
 * version that both the daemon and gha-slurm support. Raises `SlurmApiError`
 * (failure `unsupported-version`) naming both lists when there is none.
 */
export function chooseApiVersion(
  configured: string,
  served: string[],
  supported: readonly string[],
  context: { cluster: string; url: string },
): string {
  const fail = (message: string): never => {
    throw new SlurmApiError(message, {
      failure: 'unsupported-version',
      cluster: context.cluster,
      operation: 'version',
      url: context.url,
    });
  };
  const servedText = served.length > 0 ? served.join(', ') : 'none';

  if (configured !== 'auto') {
    if (!served.includes(configured)) {
      fail(
        `slurmrestd of cluster ${context.cluster} does not serve the configured apiVersion ${configured}; ` +
          `it serves ${servedText}. Set apiVersion to one of those that gha-slurm supports ` +
          `(${supported.join(', ')}) or to "auto".`,
      );
    }
    return configured;
  }

  const usable = served.filter((version) => supported.includes(version)).sort(compareApiVersions);
  const newest = usable.at(-1);
  if (newest === undefined) {
    fail(
      `slurmrestd of cluster ${context.cluster} serves no API version that gha-slurm supports: it serves ` +
        `${servedText}, gha-slurm supports ${supported.join(', ')}. Load a supported openapi plugin ` +
        'in slurmrestd (its -s option).',
    );
  }
  return newest as string;
}

/**
 * Reads the Slurm release from a ping reply's `meta`: `meta.Slurm` in v0.0.38,
 * `meta.slurm` from v0.0.40 on. Falls back to `meta.*.version` when there is no `release` string.
 */
export function readRelease(body: Record<string, unknown> | undefined): string | undefined {
  const meta = body?.meta as Record<string, unknown> | undefined;
  const slurm = (meta?.slurm ?? meta?.Slurm) as Record<string, unknown> | undefined;
  const release = readText(slurm?.release);
  if (release !== undefined) return release;

  const version = slurm?.version as Record<string, unknown> | undefined;
  const major = readNumber(version?.major);
  const minor = readNumber(version?.minor);
  const micro = readNumber(version?.micro);
  if (major === undefined || minor === undefined || micro === undefined) return undefined;
  // Slurm writes releases with a two-digit minor number, for example 22.05.8.
  return `${major}.${String(minor).padStart(2, '0')}.${micro}`;
}
