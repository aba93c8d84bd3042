import { dag, type Container, type Directory } from '@dagger.io/dagger';
import type { Pipeline, StageResult } from './context.js';
import { stageResult, toolchains, type Trivy } from './toolchains.js';

/**
 * Paths the source scan leaves out, each on purpose: the policy fixtures' `fail.yaml` files are
 * insecure manifests by design (they prove the Rego policies catch them), and the offline
 * engine's own images (dockerd-style engine, registry, build tools) must run as root. (The same
 * list is `trivy check`'s default in dagger.json; dagger/test/toolchains.test.ts keeps them equal.)
 */
export const SOURCE_SCAN_SKIP_DIRS = ['helm/policy/fixtures', '.ci/engine/images'];

/** Findings accepted on purpose, each with its reason (in the repository, next to dagger.json). */
export const IGNORE_FILE = '.trivyignore.yaml';

/** The Trivy module (dagger/trivy) with aichat's Trivy image. */
export function trivy(p: Pipeline): Trivy {
  return toolchains.trivy({ image: p.images.trivy });
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
  const result = trivy(p).scanDirectory(p.source, {
    severity,
    scanners,
    offline,
    skipDirs: SOURCE_SCAN_SKIP_DIRS,
    ignoreFile: p.source.file(IGNORE_FILE),
  });
  return stageResult('scan-source', result);
}

/** Trivy scan of an image, reported as stage `name`: the same module as the source scan. */
export function scanImageStage(
  p: Pipeline,
  name: string,
  image: Container,
  severity: string,
  scanners: string,
  offline: boolean,
): Promise<StageResult> {
  return stageResult(name, trivy(p).scanContainer(image, { severity, scanners, offline }));
}

/** Puts several stages' reports side by side, each under its gate's name. */
export function mergeReports(results: StageResult[]): Directory {
  let dir = dag.directory();
  for (const r of results) dir = dir.withDirectory(r.gate.name, r.reports);
  return dir;
}
