/**
 * aichat's whole CI/CD pipeline: lint, tests with PostgreSQL and Redis, browser E2E, dependency,
 * source and image scans, ZAP, API fuzzing, image builds and publishing, Helm manifests and
 * policies, load tests, and the running stack. Every image is pinned and overridable.
 */
import {
  argument,
  dag,
  type Changeset,
  check,
  type Container,
  type Directory,
  type File,
  func,
  object,
  type Secret,
  type Service,
} from '@dagger.io/dagger';
import { auditStage } from './audit.js';
import { manifestsDirectory, policyStage } from './chart.js';
import { ciFailure, ciStage } from './ci.js';
import { gatedReports, type Pipeline, SOURCE_IGNORE } from './context.js';
import { e2eStage } from './e2e.js';
import { fuzzStage } from './fuzz.js';
import { enforceGate } from './gates/gate.js';
import { backendImage, frontendImage, shippedImages } from './image.js';
import { type Images, resolveImages } from './images.js';
import { KUBERNETES_VERSION } from './chart/checks.js';
import { lintStage } from './lint.js';
import { loadStage } from './load.js';
import { promoteChanges } from './promote.js';
import { publishImages } from './publish.js';
import { mergeReports, scanImageStage, scanSourceStage } from './scan.js';
import { sbomFile } from './sign.js';
import { frontendService } from './stack.js';
import { testStage } from './test.js';
import { verifyImages } from './verify.js';
import { zapStage } from './zap.js';

@object()
export class Aichat {
  source: Directory;
  /** The images by role after the constructor's overrides (JSON of {@link Images}). */
  images: string;

  /**
   * Every image argument left empty takes its pinned default (dagger/src/images.ts; the tools'
   * versions in dagger/versions.json): set one to use a mirror or a locally built image.
   *
   * @param source The aichat repository (defaults to the module's own repository).
   * @param nodeImage Node.js 24 image for builds, lint and tests, and the backend image's base.
   * @param postgresImage PostgreSQL 15 image for the database service.
   * @param redisImage Redis 7 image for the pub/sub and rate-limit service.
   * @param nginxImage Unprivileged nginx image, base of the frontend image.
   * @param helmImage Helm 3 image for chart lint and rendering.
   * @param kubeconformImage kubeconform image (the binary as entrypoint).
   * @param conftestImage conftest image (the binary as entrypoint).
   * @param trivyImage Trivy image for source and image scans.
   * @param zapImage OWASP ZAP image for the baseline scan.
   * @param k6Image k6 image for load tests.
   * @param pythonImage Python 3.12 image; schemathesis is installed into it from PyPI.
   * @param actionlintImage actionlint image for the workflow lint.
   * @param cosignImage cosign image that signs, attests and verifies the published images.
   */
  constructor(
    @argument({ defaultPath: '/', ignore: SOURCE_IGNORE }) source: Directory,
    nodeImage = '',
    postgresImage = '',
    redisImage = '',
    nginxImage = '',
    helmImage = '',
    kubeconformImage = '',
    conftestImage = '',
    trivyImage = '',
    zapImage = '',
    k6Image = '',
    pythonImage = '',
    actionlintImage = '',
    cosignImage = '',
  ) {
    this.source = source;
    // Held once, by role: the object's state is serialized between calls, so as a JSON string.
    this.images = JSON.stringify(
      resolveImages({
        node: nodeImage,
        postgres: postgresImage,
        redis: redisImage,
        nginx: nginxImage,
        helm: helmImage,
        kubeconform: kubeconformImage,
        conftest: conftestImage,
        trivy: trivyImage,
        zap: zapImage,
        k6: k6Image,
        python: pythonImage,
        actionlint: actionlintImage,
        cosign: cosignImage,
      }),
    );
  }

  /** The source and resolved images every stage receives. */
  private pipeline(): Pipeline {
    return { source: this.source, images: JSON.parse(this.images) as Images };
  }

  /**
   * Lint everything: ESLint, Prettier and tsc for all workspaces, `helm lint --strict` for the
   * chart and each environment's values, actionlint for the workflows. Fails naming each linter
   * that failed, with its output.
   */
  @func()
  @check()
  async lint(): Promise<void> {
    enforceGate((await lintStage(this.pipeline())).gate);
  }

  /**
   * The app's unit and integration tests (mocha under c8) against PostgreSQL and Redis service
   * containers, and the pipeline's own tests, each suite on the files it reads. Fails when a test
   * fails, with the failing output.
   */
  @func()
  @check()
  async test(): Promise<void> {
    enforceGate((await testStage(this.pipeline())).gate);
  }

  /**
   * The same test run as `test`, returning its reports even when tests fail: the app suite's
   * junit.xml, coverage/ (HTML and lcov), output.txt and exit-code, the pipeline suite's under
   * pipeline/.
   */
  @func()
  async testReport(): Promise<Directory> {
    return (await testStage(this.pipeline())).reports;
  }

  /**
   * Browser end-to-end tests (web/e2e, Chromium headless) on the built app with PostgreSQL and
   * Redis. Returns junit.xml, the output and the screenshots; set failOnGate=false to get them
   * when tests fail.
   *
   * @param failOnGate Fail when a test fails (true) or always return the reports (false).
   */
  @func()
  async endToEnd(failOnGate = true): Promise<Directory> {
    return gatedReports(await e2eStage(this.pipeline()), failOnGate);
  }

  /**
   * `npm audit` of the lockfile, failing on vulnerabilities at or above `severity`. The JSON
   * report is part of `ci`'s reports.
   *
   * @param severity Lowest severity that fails: low, moderate, high or critical.
   */
  @func()
  @check()
  async audit(severity = 'high'): Promise<void> {
    enforceGate((await auditStage(this.pipeline(), severity)).gate);
  }

  /**
   * Trivy filesystem scan of the repository (vulnerabilities, secrets, misconfigurations incl. the
   * Helm chart). Returns scan-source.json and scan-source.sarif; fails on findings at or above
   * `severity` unless failOnGate=false.
   *
   * @param severity Lowest severity that fails: low, moderate (medium), high or critical.
   * @param scanners Trivy scanners to run, comma-separated.
   * @param offline Use only Trivy's cached database and embedded checks (no downloads).
   * @param failOnGate Fail on findings (true) or always return the reports (false).
   */
  @func()
  async scanSource(
    severity = 'high',
    scanners = 'vuln,secret,misconfig',
    offline = false,
    failOnGate = true,
  ): Promise<Directory> {
    return gatedReports(
      await scanSourceStage(this.pipeline(), severity, scanners, offline),
      failOnGate,
    );
  }

  /**
   * Trivy scan of a container image: `image` if given, else both the backend and frontend images.
   * Returns JSON and SARIF per image; fails on findings at or above `severity` unless
   * failOnGate=false.
   *
   * @param image Image to scan instead of aichat's own.
   * @param severity Lowest severity that fails: low, moderate (medium), high or critical.
   * @param scanners Trivy scanners to run, comma-separated.
   * @param offline Use only Trivy's cached database and embedded checks (no downloads).
   * @param failOnGate Fail on findings (true) or always return the reports (false).
   */
  @func()
  async scanImage(
    image?: Container,
    severity = 'high',
    scanners = 'vuln,secret',
    offline = false,
    failOnGate = true,
  ): Promise<Directory> {
    const p = this.pipeline();
    const targets: [string, Container][] = image
      ? [['scan-image', image]]
      : shippedImages(p, 'scan').map(([name, c]) => [name.replace('aichat-', 'scan-image-'), c]);
    const results = await Promise.all(
      targets.map(([name, c]) => scanImageStage(p, name, c, severity, scanners, offline)),
    );
    if (failOnGate) results.forEach((r) => enforceGate(r.gate));
    return mergeReports(results);
  }

  /**
   * OWASP ZAP baseline scan of the stack started for this run (frontend, backend, PostgreSQL,
   * Redis). Returns report.html and report.json; fails on FAIL-level alerts (dagger/config/zap-rules.tsv,
   * or high risk) unless failOnGate=false.
   *
   * @param failOnGate Fail on FAIL-level alerts (true) or always return the reports (false).
   */
  @func()
  async zap(failOnGate = true): Promise<Directory> {
    return gatedReports(await zapStage(this.pipeline()), failOnGate);
  }

  /**
   * schemathesis against the running backend's /api/openapi.json, as a registered user. Fails on
   * any 5xx response or schema violation.
   *
   * @param maxExamples Generated requests per API operation.
   */
  @func()
  @check()
  async fuzzApi(maxExamples = 50): Promise<void> {
    enforceGate((await fuzzStage(this.pipeline(), maxExamples)).gate);
  }

  /**
   * The backend image: compiled app, production dependencies and the built UI on Node 24, non-root,
   * read-only-root ready, OCI labels and a healthcheck. Port 8080.
   *
   * @param revision Value of the org.opencontainers.image.revision label (the git sha).
   */
  @func()
  backend(revision = 'dev'): Container {
    return backendImage(this.pipeline(), revision);
  }

  /**
   * The frontend image: the built UI on unprivileged nginx with web/nginx.conf (security headers,
   * caching, SPA fallback), non-root, OCI labels and a healthcheck. Port 8080.
   *
   * @param revision Value of the org.opencontainers.image.revision label (the git sha).
   */
  @func()
  frontend(revision = 'dev'): Container {
    return frontendImage(this.pipeline(), revision);
  }

  /**
   * Build and push aichat-backend and aichat-frontend to `registry` as `tag` and `latest`. With
   * `signingKey`, each pushed digest is signed with cosign and gets two signed attestations: its
   * CycloneDX SBOM (Trivy) and the build's SLSA v1 provenance. Returns the pushed references with
   * digests (the input of `promote` and `verify`).
   *
   * @param registry Image prefix, e.g. ghcr.io/owner or localhost:5000/aichat.
   * @param tag Tag to push besides latest (the git sha); also the revision label and the provenance's revision.
   * @param username Registry user (with password).
   * @param password Registry password or token, as a Secret; omit for a registry without auth.
   * @param signingKey cosign private key (`cosign generate-key-pair`), as a Secret; omit to push unsigned.
   * @param signingPassword Password of the signing key, as a Secret; omit for a key without one.
   * @param insecureRegistry The registry speaks plain HTTP or has an untrusted certificate (a local registry).
   * @param transparencyLog Also record the signatures in the public Rekor log (needs the internet).
   * @param sourceUri The source repository, recorded in the provenance (a literal default: the
   *   introspector reads only literals; the same URL as the images' OCI source label).
   * @param builderId Who ran the build, recorded in the provenance (e.g. the workflow run's URL).
   */
  @func()
  async publish(
    registry: string,
    tag: string,
    username = '',
    password?: Secret,
    signingKey?: Secret,
    signingPassword?: Secret,
    insecureRegistry = false,
    transparencyLog = false,
    sourceUri = 'git+https://github.com/aichat/aichat',
    builderId = 'dagger call publish',
  ): Promise<string[]> {
    return publishImages(this.pipeline(), {
      registry,
      tag,
      access: { insecure: insecureRegistry, username, password, transparencyLog },
      signing: signingKey ? { key: signingKey, password: signingPassword } : undefined,
      sourceUri,
      builderId,
    });
  }

  /**
   * The CycloneDX SBOM (Trivy) of `image`, or of both aichat images: sbom-<name>.cdx.json each.
   * `publish` attaches the same document to each image it signs.
   *
   * @param image Image to describe instead of aichat's own.
   */
  @func()
  sbom(image?: Container): Directory {
    const p = this.pipeline();
    const targets = image ? [['image', image] as const] : shippedImages(p, 'sbom');
    let dir = dag.directory();
    for (const [name, c] of targets) dir = dir.withFile(`sbom-${name}.cdx.json`, sbomFile(p, c));
    return dir;
  }

  /**
   * Verify published images before anything deploys them: each must carry a cosign signature by
   * `publicKey`, a signed CycloneDX SBOM attestation and a signed SLSA provenance attestation.
   * Fails naming the image and the reason (unsigned, wrong key, missing SBOM or provenance);
   * returns verify.md with each attestation's type and size, and cosign's outputs.
   *
   * @param images Image references (by digest, or by tag: a tag is resolved by the registry now).
   * @param publicKey The cosign public key (cosign.pub) the images must be signed with.
   * @param insecureRegistry The registry speaks plain HTTP or has an untrusted certificate (a local registry).
   * @param transparencyLog Also require the signatures to be in the public Rekor log (needs the internet).
   * @param username Registry user (with password).
   * @param password Registry password or token, as a Secret.
   * @param failOnGate Fail when a check fails (true) or always return the report (false).
   */
  @func()
  async verify(
    images: string[],
    publicKey: File,
    insecureRegistry = false,
    transparencyLog = false,
    username = '',
    password?: Secret,
    failOnGate = true,
  ): Promise<Directory> {
    const result = await verifyImages(this.pipeline(), images, publicKey, {
      insecure: insecureRegistry,
      transparencyLog,
      username,
      password,
    });
    if (failOnGate && result.failure !== null) throw new Error(result.failure);
    return result.reports;
  }

  /**
   * Promote a build to an environment, as code: a Changeset writing each image's registry,
   * repository, tag and digest into helm/aichat/values-<env>.yaml, so the chart deploys
   * `image@digest`, exactly what was signed. The build is `images` (what `publish` printed) or the
   * one `fromEnv` deploys (staging's digests to production). With `publicKey` the images must pass
   * `verify` first. Apply it with `… export --path .` (or `dagger call -y promote …`) and propose
   * it as a commit or pull request.
   *
   * @param env dev, staging or production.
   * @param images Both images: the references `publish` printed, or `<image>:<tag>` references,
   *   which are resolved to the digests their tags point at now.
   * @param fromEnv Promote what this environment deploys (its values file's digests) instead of `images`.
   * @param publicKey cosign public key the images must be signed with (verified before promoting).
   * @param insecureRegistry The registry speaks plain HTTP or has an untrusted certificate (a local registry).
   * @param username Registry user (with password), for verifying.
   * @param password Registry password or token, as a Secret, for verifying.
   */
  @func()
  async promote(
    env: string,
    images: string[] = [],
    fromEnv = '',
    publicKey?: File,
    insecureRegistry = false,
    username = '',
    password?: Secret,
  ): Promise<Changeset> {
    const access = { insecure: insecureRegistry, transparencyLog: false, username, password };
    return promoteChanges(
      this.pipeline(),
      env,
      images,
      fromEnv,
      publicKey ? { publicKey, access } : undefined,
    );
  }

  /**
   * `helm template` of the chart per environment: a Directory with <env>.yaml files.
   *
   * @param env dev, staging, production, a comma-separated list, or all.
   * @param tag Image tag to deploy; empty keeps the values files' tags.
   * @param registry Image prefix the images were published to (as for `publish`); empty keeps the values files' registry.
   */
  @func()
  manifests(env = 'all', tag = '', registry = ''): Directory {
    return manifestsDirectory(this.pipeline(), env, tag, registry);
  }

  /**
   * kubeconform and conftest (helm/policy) on the manifests of every environment.
   *
   * @param kubernetesVersion Kubernetes version to render for and whose schemas kubeconform uses;
   *   empty: the pinned one (dagger/versions.json).
   * @param schemaLocation kubeconform schema URL template (e.g. a mirror) instead of the default.
   * @param schemas Directory of kubeconform JSON schemas (<kind>-<group>-<version>.json, CRDs
   *   included) instead of the default location: no network needed.
   */
  @func()
  @check()
  async policy(kubernetesVersion = '', schemaLocation = '', schemas?: Directory): Promise<void> {
    const k8s = kubernetesVersion || KUBERNETES_VERSION;
    const result = await policyStage(this.pipeline(), k8s, schemaLocation, schemas);
    enforceGate(result.gate);
  }

  /**
   * k6 load test of the stack (or of `target`): an HTTP scenario and a WebSocket chat scenario
   * with thresholds on p95 latency, error rate and time to first token. Returns summary.json,
   * report.html and the k6 log; fails when a threshold is crossed unless failOnGate=false.
   *
   * @param vus Virtual users of the HTTP scenario (the chat scenario uses half).
   * @param duration How long each scenario runs, e.g. 30s or 2m.
   * @param target Service to test on port 8080 instead of a fresh aichat stack.
   * @param failOnGate Fail on a crossed threshold (true) or always return the reports (false).
   */
  @func()
  async loadTest(
    vus = 5,
    duration = '30s',
    target?: Service,
    failOnGate = true,
  ): Promise<Directory> {
    return gatedReports(await loadStage(this.pipeline(), vus, duration, target), failOnGate);
  }

  /**
   * The whole stack as one service on port 8080: the nginx frontend proxying the API and
   * WebSocket to the backend, with PostgreSQL and Redis. `dagger call serve up --ports 8080:8080`.
   */
  // No @up(): the v0.21.8 TypeScript runtime does not export that decorator, so a module using it
  // fails to load on a stock v0.21.8 engine. `dagger call serve up` works without it.
  @func()
  serve(): Service {
    return frontendService(this.pipeline());
  }

  /**
   * Every stage that applies, in parallel: lint, test, e2e, audit, scan-source, scan-image, zap,
   * fuzz-api, policy and a short load-test. Returns one Directory with each stage's reports,
   * summary.md and gates.json; fails naming every failed gate unless failOnGate=false.
   *
   * @param offline Skip what needs the internet: audit, zap and Trivy's vulnerability scanner.
   * @param severity Lowest severity that fails the audit and Trivy gates.
   * @param loadVus Virtual users of the load test.
   * @param loadDuration Duration of the load test.
   * @param kubernetesVersion Kubernetes version to render for and validate against; empty: the
   *   pinned one (dagger/versions.json).
   * @param schemaLocation kubeconform schema URL template instead of the default.
   * @param schemas Directory of kubeconform JSON schemas instead of the default location.
   * @param failOnGate Fail when a gate failed (true) or always return the reports (false).
   */
  @func()
  async ci(
    offline = false,
    severity = 'high',
    loadVus = 2,
    loadDuration = '10s',
    kubernetesVersion = '',
    schemaLocation = '',
    schemas?: Directory,
    failOnGate = true,
  ): Promise<Directory> {
    const { gates, reports } = await ciStage(this.pipeline(), {
      offline,
      severity,
      loadVus,
      loadDuration,
      kubernetesVersion: kubernetesVersion || KUBERNETES_VERSION,
      schemaLocation,
      schemas,
    });
    const failure = ciFailure(gates);
    if (failOnGate && failure !== null) throw new Error(failure);
    return reports;
  }
}
