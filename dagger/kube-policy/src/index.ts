/**
 * Kubernetes manifests checked before they reach a cluster: kubeconform validates them strictly
 * against the Kubernetes and CRD JSON schemas (unknown fields and kinds without a schema fail),
 * conftest applies Rego policies to them. Both images are pinned and overridable.
 */
import {
  argument,
  check,
  dag,
  type Container,
  type Directory,
  func,
  object,
  ReturnType,
} from '@dagger.io/dagger';
import { gateConftest, parseConftestReport } from './conftest-report.js';
import {
  checkKubernetesVersion,
  conftestArgs,
  kubeconformArgs,
  manifestFileArgs,
  schemaLocations,
} from './flags.js';
import { combineGates, formatGateFailure, noReportGate, type GateResult } from './gate.js';
import { gateKubeconform, parseKubeconformReport } from './kubeconform-report.js';

/** Where the inputs are mounted in the tools' containers. */
const MANIFESTS_DIR = '/manifests';
const SCHEMAS_DIR = '/schemas';
const POLICY_DIR = '/policy';

/** The verdict of a check and its reports. */
@object()
export class KubePolicyResult {
  /** True when the check found nothing to fail on. */
  @func()
  passed: boolean;

  /** One line, e.g. `1 invalid, 1 error of 4 resources` or `2 denied, 5 passed tests, 0 warnings`. */
  @func()
  summary: string;

  /** One line per invalid resource or denied rule (empty when it passed). */
  @func()
  findings: string[];

  /**
   * The tool's JSON report (kubeconform.json / conftest.json, when it wrote one) and its log
   * (kubeconform.txt / conftest.txt: the command, exit code, verdict and stderr).
   */
  @func()
  reports: Directory;

  constructor(passed: boolean, summary: string, findings: string[], reports: Directory) {
    this.passed = passed;
    this.summary = summary;
    this.findings = findings;
    this.reports = reports;
  }
}

/** A tool's run: its exit code, the JSON report on stdout and the log on stderr. */
interface Run {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs the image's entrypoint (both images are shell-less) and keeps a failing exit code. */
async function runEntrypoint(container: Container, args: string[]): Promise<Run> {
  const run = container.withExec(args, { expect: ReturnType.Any, useEntrypoint: true });
  const [exitCode, stdout, stderr] = await Promise.all([
    run.exitCode(),
    run.stdout(),
    run.stderr(),
  ]);
  return { exitCode, stdout, stderr };
}

/** The `*.yaml` / `*.yml` files of `manifests`, recursively, as mounted paths. */
async function manifestFiles(manifests: Directory): Promise<string[]> {
  const [yaml, yml] = await Promise.all([manifests.glob('**/*.yaml'), manifests.glob('**/*.yml')]);
  return manifestFileArgs([...yaml, ...yml], MANIFESTS_DIR);
}

/** The human-readable log of a run: command, exit code, verdict, then the tool's stderr. */
function runLog(tool: string, args: string[], run: Run | undefined, gate: GateResult): string {
  const lines = run ? [`$ ${tool} ${args.join(' ')}`, `exit code ${run.exitCode}`, ''] : [];
  lines.push(`${gate.passed ? 'PASSED' : 'FAILED'}: ${gate.summary}`);
  lines.push(...gate.findings.map((f) => `  - ${f}`));
  if (run && run.stderr.trim() !== '') lines.push('', run.stderr.trim());
  return `${lines.join('\n')}\n`;
}

/** The result of one tool: its verdict, JSON report and log. */
function toolResult(
  tool: string,
  args: string[],
  run: Run | undefined,
  gate: GateResult,
): KubePolicyResult {
  let reports = dag.directory().withNewFile(`${tool}.txt`, runLog(tool, args, run, gate));
  if (run && run.stdout.trim() !== '') reports = reports.withNewFile(`${tool}.json`, run.stdout);
  return new KubePolicyResult(gate.passed, gate.summary, gate.findings, reports);
}

/** The failed verdict when there is nothing to check: no run, nothing can pass. */
function noManifests(tool: string): KubePolicyResult {
  const gate = {
    name: tool,
    passed: false,
    summary: 'no *.yaml or *.yml file in the manifests directory',
    findings: [],
  };
  return toolResult(tool, [], undefined, gate);
}

/** kubeconform and conftest on a directory of Kubernetes manifests. */
@object()
export class KubePolicy {
  kubeconformImage: string;
  conftestImage: string;

  /**
   * @param kubeconformImage kubeconform image, the binary as entrypoint (a mirror works too).
   * @param conftestImage conftest image, the binary as entrypoint (a mirror works too).
   */
  constructor(
    kubeconformImage = 'ghcr.io/yannh/kubeconform:v0.8.0@sha256:faffaf43f95aa6425306e1ab8d6fcad72acb9049158f38e574c085ea1ec0f64e',
    conftestImage = 'docker.io/openpolicyagent/conftest:v0.71.1',
  ) {
    this.kubeconformImage = kubeconformImage;
    this.conftestImage = conftestImage;
  }

  /**
   * kubeconform -strict on every *.yaml / *.yml file of `manifests` (recursively): unknown or
   * duplicate fields fail, and so does a kind without a schema, CRDs included. Passes when no
   * resource is invalid and at least one was validated.
   *
   * @param manifests Directory of Kubernetes manifests (multi-document YAML files are fine).
   * @param kubernetesVersion Kubernetes version whose schemas the default location serves.
   * @param schemas Directory of kubeconform JSON schemas named <kind>-<group>-<version>.json
   *   (e.g. deployment-apps-v1.json, CRDs included), used instead of the online default: no
   *   network needed.
   * @param schemaLocation kubeconform schema URL template (e.g. a mirror) instead of the online
   *   default; with schemas, tried after them.
   */
  @func()
  async validate(
    manifests: Directory,
    kubernetesVersion = '1.35.4',
    schemas?: Directory,
    schemaLocation = '',
  ): Promise<KubePolicyResult> {
    checkKubernetesVersion(kubernetesVersion);
    const files = await manifestFiles(manifests);
    if (files.length === 0) return noManifests('kubeconform');
    const locations = schemaLocations({
      schemaDir: schemas ? SCHEMAS_DIR : undefined,
      schemaLocation,
    });
    const args = kubeconformArgs({ kubernetesVersion, locations, files, output: 'json' });
    const base = dag.container().from(this.kubeconformImage);
    const withSchemas = schemas ? base.withDirectory(SCHEMAS_DIR, schemas) : base;
    const run = await runEntrypoint(withSchemas.withDirectory(MANIFESTS_DIR, manifests), args);
    let gate: GateResult;
    try {
      gate = gateKubeconform(parseKubeconformReport(run.stdout), {
        exitCode: run.exitCode,
        root: MANIFESTS_DIR,
        output: run.stderr,
      });
    } catch (error) {
      const what = `no kubeconform report (exit code ${run.exitCode})`;
      gate = noReportGate('kubeconform', what, error, `${run.stdout}\n${run.stderr}`);
    }
    return toolResult('kubeconform', args, run, gate);
  }

  /**
   * conftest test with the Rego policies of `policy` on every *.yaml / *.yml file of `manifests`
   * (recursively). Passes when no deny/violation rule fires; warnings are counted, never fail.
   *
   * @param manifests Directory of Kubernetes manifests.
   * @param policy Directory of Rego policies (conftest's --policy).
   * @param namespace Rego package to apply: all (every package) or one, e.g. main.
   */
  @func()
  async policy(
    manifests: Directory,
    policy: Directory,
    namespace = 'all',
  ): Promise<KubePolicyResult> {
    const files = await manifestFiles(manifests);
    if (files.length === 0) return noManifests('conftest');
    const args = conftestArgs({ policyDir: POLICY_DIR, files, scope: namespace, json: true });
    const container = dag
      .container()
      .from(this.conftestImage)
      .withDirectory(MANIFESTS_DIR, manifests)
      .withDirectory(POLICY_DIR, policy);
    const run = await runEntrypoint(container, args);
    let gate: GateResult;
    try {
      gate = gateConftest(parseConftestReport(run.stdout), {
        exitCode: run.exitCode,
        root: MANIFESTS_DIR,
        output: run.stderr,
      });
    } catch (error) {
      const what = `no conftest report (exit code ${run.exitCode})`;
      gate = noReportGate('conftest', what, error, `${run.stdout}\n${run.stderr}`);
    }
    return toolResult('conftest', args, run, gate);
  }

  /**
   * `validate` and `policy` together: fails with every invalid resource and denied rule.
   *
   * @param manifests Directory of Kubernetes manifests (default: the context directory).
   * @param policy Directory of Rego policies (default: /policy of the context directory).
   * @param kubernetesVersion Kubernetes version whose schemas the default location serves.
   * @param schemas Directory of kubeconform JSON schemas, CRDs included, instead of the online
   *   default.
   * @param schemaLocation kubeconform schema URL template instead of the online default.
   * @param namespace Rego package to apply: all (every package) or one, e.g. main.
   */
  @func()
  @check()
  async check(
    @argument({ defaultPath: '/' }) manifests: Directory,
    @argument({ defaultPath: '/policy' }) policy: Directory,
    kubernetesVersion = '1.35.4',
    schemas?: Directory,
    schemaLocation = '',
    namespace = 'all',
  ): Promise<void> {
    const [kubeconform, conftest] = await Promise.all([
      this.validate(manifests, kubernetesVersion, schemas, schemaLocation),
      this.policy(manifests, policy, namespace),
    ]);
    const parts = [
      { tool: 'kubeconform', result: kubeconform },
      { tool: 'conftest', result: conftest },
    ].map(({ tool, result }): GateResult => ({
      name: tool,
      passed: result.passed,
      summary: result.summary,
      findings: result.findings,
    }));
    const gate = combineGates('kube-policy', parts);
    if (!gate.passed) throw new Error(formatGateFailure(gate));
  }
}
