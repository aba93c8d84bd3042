/**
 * Trivy scans of a directory or a container, gated on severity: vulnerabilities, secrets and
 * misconfigurations, with the reports (JSON, SARIF, log) and a typed verdict; plus CycloneDX SBOMs.
 */
import {
  argument,
  check,
  dag,
  type Container,
  type Directory,
  type File,
  func,
  object,
  ReturnType,
} from '@dagger.io/dagger';
import {
  fsScanArgs,
  IGNORE_DIR,
  IMAGE_TARBALL,
  imageScanArgs,
  OUT,
  SBOM_PATH,
  SCAN_SCRIPT,
  sbomArgs,
  scansImageConfig,
  TARGET,
} from './flags.js';
import { formatGateFailure, noReportGate, parseThreshold, type GateResult } from './gate.js';
import { gateTrivy, imageConfigFindings, parseTrivyJson } from './report.js';

/** Where Trivy keeps its databases and checks bundle (the mounted cache volume). */
const CACHE_DIR = '/root/.cache/trivy';

/** The verdict of one Trivy scan and its reports. */
@object()
export class TrivyResult {
  /** True when no finding is at or above the severity threshold (and the scan produced a report). */
  @func()
  passed: boolean;

  /**
   * One line: how many findings of each kind failed the gate, e.g. `1 finding(s) at or above high
   * (0 vulnerabilities, 1 secrets, 0 misconfigurations) of 3 total`; or why there is no report.
   */
  @func()
  summary: string;

  /**
   * One line per finding at or above the threshold (`<severity> <kind> <id> in <target>: <title>`);
   * without a report, the tail of Trivy's output.
   */
  @func()
  findings: string[];

  /** trivy.json (Trivy's JSON report), trivy.sarif (the same as SARIF 2.1.0) and trivy.log. */
  @func()
  reports: Directory;

  // Dagger types only: a plain interface here would register as a type the module never defines
  // (a stock v0.21.8 engine then panics building its dependents' clients).
  constructor(passed: boolean, summary: string, findings: string[], reports: Directory) {
    this.passed = passed;
    this.summary = summary;
    this.findings = findings;
    this.reports = reports;
  }
}

/**
 * Trivy: scans a directory (`trivy fs`) or a container (`trivy image`, from an OCI tarball, no
 * registry involved) for vulnerabilities, secrets and misconfigurations, and gates the findings on
 * a severity threshold; writes CycloneDX SBOMs of containers. The parsed report is the verdict,
 * not Trivy's exit code.
 */
@object()
export class Trivy {
  /** The Trivy image. */
  image: string;
  /** Name of the cache volume holding Trivy's databases. */
  cacheVolume: string;

  /**
   * @param image Trivy image (pinned by digest); set it to use a mirror or a locally built image.
   * @param cacheVolume Name of the cache volume holding Trivy's vulnerability database and checks
   * bundle, shared by every scan on an engine that uses the same name.
   */
  constructor(
    image = 'docker.io/aquasec/trivy:0.74.0@sha256:62b1e65e8869bc4b4c6aa4fa2b21595256c7c2f6018a9d9ad61caf87187c1969',
    cacheVolume = 'trivy-cache',
  ) {
    this.image = image;
    this.cacheVolume = cacheVolume;
  }

  /**
   * Filesystem scan of a directory: vulnerabilities of its lockfiles, secrets, and
   * misconfigurations of its Dockerfiles, Kubernetes manifests, Helm charts, Terraform, …
   *
   * @param source The directory to scan; report targets are paths relative to it.
   * @param severity Lowest severity that fails the gate: low, medium (or moderate), high or critical.
   * @param scanners Trivy scanners, comma-separated: vuln, secret, misconfig, license.
   * @param offline Use only the cached database and the checks embedded in Trivy (no downloads;
   * vuln then needs a database already in the cache volume).
   * @param skipDirs Directories left out of the scan, relative to source (globs allowed), e.g.
   * fixtures that are insecure on purpose.
   * @param ignoreFile Trivy ignore file (.trivyignore, or .trivyignore.yaml with reasons and
   * expiry dates): findings accepted on purpose. Its name's extension selects the format.
   */
  @func()
  async scanDirectory(
    source: Directory,
    severity = 'high',
    scanners = 'vuln,secret,misconfig',
    offline = false,
    skipDirs: string[] = [],
    ignoreFile?: File,
  ): Promise<TrivyResult> {
    const ignoreName = ignoreFile ? await ignoreFile.name() : undefined;
    const args = fsScanArgs({ scanners, offline, skipDirs, ignoreFile: ignoreName });
    let container = this.base().withDirectory(TARGET, source);
    if (ignoreFile && ignoreName) {
      container = container.withFile(`${IGNORE_DIR}/${ignoreName}`, ignoreFile);
    }
    return this.scan(container, args, severity);
  }

  /**
   * Scan of a container's filesystem (OS and language packages, secrets) and, with misconfig, of
   * its image config (user, healthcheck, …); files inside the image are not checked as
   * misconfigurations, since packages ship manifests that are not the image's. An image config
   * Trivy cannot check (no USER and no build history, as with containers built by Dagger's API)
   * fails with image-config-unchecked: such a container runs as root.
   *
   * @param target The container to scan (exported as an OCI tarball).
   * @param severity Lowest severity that fails the gate: low, medium (or moderate), high or critical.
   * @param scanners Trivy scanners, comma-separated: vuln, secret, misconfig (image config), license.
   * @param offline Use only the cached database and the checks embedded in Trivy (no downloads;
   * vuln then needs a database already in the cache volume).
   */
  @func()
  async scanContainer(
    target: Container,
    severity = 'high',
    scanners = 'vuln,secret',
    offline = false,
  ): Promise<TrivyResult> {
    const args = imageScanArgs(scanners, offline);
    const container = this.base().withFile(IMAGE_TARBALL, target.asTarball());
    return this.scan(container, args, severity, scansImageConfig(scanners));
  }

  /**
   * The CycloneDX (JSON) SBOM of a container: every OS and language package in it. It needs no
   * vulnerability database, so it never downloads one and works offline; it uses a cache of its
   * own, since parallel runs on the shared cache volume wait on its lock until they time out.
   *
   * @param target The container to describe (exported as an OCI tarball).
   */
  @func()
  sbom(target: Container): File {
    return dag
      .container()
      .from(this.image)
      .withEntrypoint([])
      .withEnvVariable('TRIVY_NO_PROGRESS', 'true')
      .withFile(IMAGE_TARBALL, target.asTarball())
      .withExec(['trivy', ...sbomArgs()])
      .file(SBOM_PATH);
  }

  /**
   * The gate as a check: scanDirectory of the source, failing with the findings at or above
   * `severity` (Trivy's exit code is not the verdict, its JSON report is).
   *
   * @param source The directory to scan (by default the repository, without node_modules and .git).
   * @param severity Lowest severity that fails the check: low, medium (or moderate), high or critical.
   * @param scanners Trivy scanners, comma-separated: vuln, secret, misconfig, license.
   * @param offline Use only the cached database and the checks embedded in Trivy (no downloads).
   * @param skipDirs Directories left out of the scan, relative to source (globs allowed).
   * @param ignoreFile Trivy ignore file (.trivyignore or .trivyignore.yaml): findings accepted on purpose.
   */
  @func()
  @check()
  async check(
    @argument({ defaultPath: '/', ignore: ['**/node_modules', '.git'] }) source: Directory,
    severity = 'high',
    scanners = 'vuln,secret,misconfig',
    offline = false,
    skipDirs: string[] = [],
    ignoreFile?: File,
  ): Promise<void> {
    const result = await this.scanDirectory(
      source,
      severity,
      scanners,
      offline,
      skipDirs,
      ignoreFile,
    );
    if (!result.passed) throw new Error(formatGateFailure('trivy scan', result));
  }

  /** The Trivy image with its database cache. */
  private base(): Container {
    return dag
      .container()
      .from(this.image)
      .withEntrypoint([])
      .withMountedCache(CACHE_DIR, dag.cacheVolume(this.cacheVolume))
      .withEnvVariable('TRIVY_CACHE_DIR', CACHE_DIR)
      .withEnvVariable('TRIVY_NO_PROGRESS', 'true');
  }

  /**
   * The one gated scan behind every function: runs Trivy with `args` in `container` (allowing it
   * to fail), gates its JSON report at `severity` (with `imageConfig`, an image config Trivy could
   * not check counts as a finding), and returns the verdict with the reports. A failed run or an
   * unreadable report is a failed result naming why, never a pass.
   */
  private async scan(
    container: Container,
    args: string[],
    severity: string,
    imageConfig = false,
  ): Promise<TrivyResult> {
    // Before running: a typo in the threshold must fail the call, not silently pass it.
    const threshold = parseThreshold(severity);
    const run = container.withExec(['sh', '-c', SCAN_SCRIPT, 'trivy-scan', ...args], {
      expect: ReturnType.Any,
    });
    const [exitCode, stdout, stderr] = await Promise.all([
      run.exitCode(),
      run.stdout(),
      run.stderr(),
    ]);
    const output = `${stdout}\n${stderr}`.trim();
    let gate: GateResult;
    if (exitCode !== 0) {
      // A failed run may leave a partial JSON behind: the exit code decides first.
      gate = noReportGate(`trivy failed (exit ${exitCode})`, '', output);
    } else {
      try {
        const json = await run.file(`${OUT}/trivy.json`).contents();
        const findings = parseTrivyJson(json);
        if (imageConfig) findings.push(...imageConfigFindings(json));
        gate = gateTrivy(findings, threshold);
      } catch (error) {
        gate = noReportGate('no Trivy report', error, output);
      }
    }
    const reports = run.directory(OUT).withNewFile('trivy.log', `${output}\n`);
    return new TrivyResult(gate.passed, gate.summary, gate.findings, reports);
  }
}
