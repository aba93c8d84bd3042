import { dag, type Container, type Directory } from '@dagger.io/dagger';
import type { Pipeline, StageResult } from './context.js';
import { parseThreshold } from './gates/gate.js';
import { runGate } from './gates/run.js';
import { gateTrivy, parseTrivyJson } from './gates/trivy.js';

/**
 * Trivy flags for an image scan. Misconfiguration checks apply to how the image is built (its
 * config: user, healthcheck, …) through `--image-config-scanners`, not to files inside it: npm
 * packages ship their own Dockerfiles (koa-websocket's runs as root) that are not our image's.
 * Without another file scanner, secrets are still looked for.
 * @example imageScanFlags('vuln,secret,misconfig') // '--scanners vuln,secret --image-config-scanners misconfig'
 */
export function imageScanFlags(scanners: string): string {
  const list = scanners
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const files = list.filter((s) => s !== 'misconfig');
  const flags = `--scanners ${files.length > 0 ? files.join(',') : 'secret'}`;
  return list.includes('misconfig') ? `${flags} --image-config-scanners misconfig` : flags;
}

/** Trivy's flags for machines without internet: use what the image and cache already hold. */
export const OFFLINE_FLAGS = ['--skip-db-update', '--skip-java-db-update', '--skip-check-update'];

/**
 * Paths the source scan leaves out, each on purpose: the policy fixtures' `fail.yaml` files are
 * insecure manifests by design (they prove the Rego policies catch them), and the offline
 * engine's own images (dockerd-style engine, registry, build tools) must run as root.
 */
export const SOURCE_SCAN_SKIP_DIRS = ['helm/policy/fixtures', '.ci/engine/images'];

/** Findings accepted on purpose, each with its reason (in the repository, next to dagger.json). */
export const IGNORE_FILE = '.trivyignore.yaml';

/** Trivy with its database cache volume. */
export function trivy(p: Pipeline): Container {
  return dag
    .container()
    .from(p.images.trivy)
    .withEntrypoint([])
    .withMountedCache('/root/.cache/trivy', dag.cacheVolume('aichat-trivy'))
    .withEnvVariable('TRIVY_NO_PROGRESS', 'true');
}

/**
 * Runs one Trivy command writing JSON, converts it to SARIF, and gates the JSON. Trivy's own exit
 * code is not the gate (`--exit-code 0`): the parsed findings are.
 */
async function trivyReport(
  name: string,
  container: Container,
  command: string,
  severity: string,
): Promise<StageResult> {
  const threshold = parseThreshold(severity);
  const script = [
    'set -e',
    'mkdir -p /out',
    `${command} --format json --output /out/${name}.json --exit-code 0`,
    `trivy convert --format sarif --output /out/${name}.sarif /out/${name}.json`,
  ].join('\n');
  return runGate(container, script, {
    name,
    judge: async (run, { exitCode }) => {
      // A failed run may leave a partial JSON behind: the exit code decides first.
      if (exitCode !== 0) throw new Error(`trivy failed (exit ${exitCode})`);
      return gateTrivy(
        name,
        parseTrivyJson(await run.file(`/out/${name}.json`).contents()),
        threshold,
      );
    },
    missing: '',
    reports: '/out',
    log: `${name}.log`,
  });
}

/**
 * Trivy filesystem scan of the repository: `scanners` among vuln, secret, misconfig (the chart in
 * helm/ is checked as Kubernetes manifests by the misconfig scanner).
 */
export function scanSourceStage(
  p: Pipeline,
  severity: string,
  scanners: string,
  offline: boolean,
): Promise<StageResult> {
  const flags = offline ? ` ${OFFLINE_FLAGS.join(' ')}` : '';
  const skip = SOURCE_SCAN_SKIP_DIRS.map((d) => ` --skip-dirs /target/${d}`).join('');
  const container = trivy(p).withDirectory('/target', p.source);
  return trivyReport(
    'scan-source',
    container,
    `trivy fs --scanners ${scanners}${flags}${skip} --ignorefile /target/${IGNORE_FILE} /target`,
    severity,
  );
}

/** Trivy scan of an image (exported as an OCI tarball, so no registry is involved). */
export function scanImageStage(
  p: Pipeline,
  name: string,
  image: Container,
  severity: string,
  scanners: string,
  offline: boolean,
): Promise<StageResult> {
  const flags = offline ? ` ${OFFLINE_FLAGS.join(' ')}` : '';
  const container = trivy(p).withFile('/target/image.tar', image.asTarball());
  return trivyReport(
    name,
    container,
    `trivy image ${imageScanFlags(scanners)}${flags} --input /target/image.tar`,
    severity,
  );
}

/** Puts several stages' reports side by side, each under its gate's name. */
export function mergeReports(results: StageResult[]): Directory {
  let dir = dag.directory();
  for (const r of results) dir = dir.withDirectory(r.gate.name, r.reports);
  return dir;
}
