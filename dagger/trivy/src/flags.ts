/**
 * Trivy's command lines, as argument arrays (never a shell string: directory names and scanner
 * lists reach Trivy verbatim). Pure, so that it is unit tested on the host.
 */

/** Where the scanned directory is mounted; report targets are relative to it. */
export const TARGET = '/target';
/** Where a scanned container is written as an OCI tarball (no registry involved). */
export const IMAGE_TARBALL = '/image/image.tar';
/** Where the reports are written: trivy.json, trivy.sarif (and trivy.log added afterwards). */
export const OUT = '/out';
/** Where the ignore file is mounted, under its own name (Trivy picks its format by extension). */
export const IGNORE_DIR = '/trivyignore';

/** Trivy's flags for machines without internet: use what the image and cache already hold. */
export const OFFLINE_FLAGS = ['--skip-db-update', '--skip-java-db-update', '--skip-check-update'];

/**
 * Scan results cached in memory, not in the cache volume: scans running in parallel on one volume
 * wait on its file lock until they time out ("cache may be in use by another process"). The
 * databases stay on the volume.
 */
export const RESULT_CACHE_FLAGS = ['--cache-backend', 'memory'];

/**
 * A comma-separated scanner list, trimmed; throws when it names none.
 * @example scannerList(' secret, misconfig ') // ['secret', 'misconfig']
 */
export function scannerList(scanners: string): string[] {
  const list = scanners
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (list.length === 0) {
    throw new Error(`no scanner in "${scanners}" (use vuln, secret, misconfig or license)`);
  }
  return list;
}

/**
 * Trivy flags for an image scan. Misconfiguration checks apply to how the image is built (its
 * config: user, healthcheck, …) through `--image-config-scanners`, not to files inside it: packages
 * ship their own Dockerfiles and manifests that are not the image's. Without another file scanner,
 * secrets are still looked for.
 * @example imageScanFlags('vuln,secret,misconfig') // ['--scanners', 'vuln,secret', '--image-config-scanners', 'misconfig']
 */
export function imageScanFlags(scanners: string): string[] {
  const list = scannerList(scanners);
  const files = list.filter((s) => s !== 'misconfig');
  const flags = ['--scanners', files.length > 0 ? files.join(',') : 'secret'];
  return list.includes('misconfig') ? [...flags, '--image-config-scanners', 'misconfig'] : flags;
}

/** True when an image scan with these scanners checks the image config (misconfig). */
export function scansImageConfig(scanners: string): boolean {
  return scannerList(scanners).includes('misconfig');
}

/**
 * A `skipDirs` entry as Trivy's `--skip-dirs` value under {@link TARGET}. Entries are relative to
 * the scanned directory (globs allowed); an absolute path or one leaving it is an error, since it
 * could never match and the caller would believe something is skipped.
 * @example skipDirPath('./helm/policy/fixtures/') // '/target/helm/policy/fixtures'
 */
export function skipDirPath(dir: string): string {
  const clean = dir
    .trim()
    .replace(/^(\.\/)+/, '')
    .replace(/\/+$/, '');
  if (clean === '' || clean === '.' || clean.startsWith('/') || clean.split('/').includes('..')) {
    throw new Error(`skipDirs entry "${dir}" must be a path inside the scanned directory`);
  }
  return `${TARGET}/${clean}`;
}

/** What a filesystem scan takes besides the directory. */
export interface FsScanOptions {
  scanners: string;
  offline: boolean;
  skipDirs: string[];
  /** File name of the ignore file, mounted in {@link IGNORE_DIR}. */
  ignoreFile?: string;
}

/** The arguments of `trivy` for a filesystem scan of {@link TARGET} (without output flags). */
export function fsScanArgs(o: FsScanOptions): string[] {
  return [
    'fs',
    '--scanners',
    scannerList(o.scanners).join(','),
    ...(o.offline ? OFFLINE_FLAGS : []),
    ...RESULT_CACHE_FLAGS,
    ...o.skipDirs.flatMap((d) => ['--skip-dirs', skipDirPath(d)]),
    ...(o.ignoreFile ? ['--ignorefile', `${IGNORE_DIR}/${o.ignoreFile}`] : []),
    TARGET,
  ];
}

/** The arguments of `trivy` for a scan of the image at {@link IMAGE_TARBALL} (without output flags). */
export function imageScanArgs(scanners: string, offline: boolean): string[] {
  return [
    'image',
    ...imageScanFlags(scanners),
    ...(offline ? OFFLINE_FLAGS : []),
    ...RESULT_CACHE_FLAGS,
    '--input',
    IMAGE_TARBALL,
  ];
}

/**
 * The shell script of a gated scan, run as `sh -c SCRIPT trivy-scan ARGS…`: Trivy with `ARGS` writes
 * JSON, which is converted to SARIF. Trivy's exit code is not the verdict (`--exit-code 0`), the
 * parsed JSON is; the script fails only when Trivy or the conversion does.
 */
export const SCAN_SCRIPT = [
  'set -e',
  `mkdir -p ${OUT}`,
  `trivy "$@" --format json --output ${OUT}/trivy.json --exit-code 0`,
  `trivy convert --format sarif --output ${OUT}/trivy.sarif ${OUT}/trivy.json`,
].join('\n');

/** Where {@link sbomArgs} writes the SBOM. */
export const SBOM_PATH = '/image/sbom.cdx.json';

/**
 * The arguments of `trivy` for the CycloneDX SBOM of the image at {@link IMAGE_TARBALL}. An SBOM
 * needs no vulnerability database, so it always runs offline, with a cache of its own: parallel
 * runs on the shared cache volume wait on its lock until they time out.
 */
export function sbomArgs(): string[] {
  return [
    'image',
    '--format',
    'cyclonedx',
    ...OFFLINE_FLAGS,
    '--cache-dir',
    '/tmp/trivy-sbom',
    '--output',
    SBOM_PATH,
    '--input',
    IMAGE_TARBALL,
  ];
}
