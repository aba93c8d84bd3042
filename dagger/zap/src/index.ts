/**
 * OWASP ZAP's baseline scan (passive: spider, then ZAP's passive rules) of any HTTP service,
 * gated by a zap-baseline rules file and by risk.
 */
import {
  type Container,
  dag,
  type Directory,
  type File,
  func,
  object,
  ReturnType,
  type Service,
} from '@dagger.io/dagger';
import { formatGateFailure, noReportGate, type GateResult } from './gate.js';
import { gateZap, parseZapJson, parseZapRules, type ZapAction } from './zap-report.js';

/** ZAP's working directory inside its image: the rules file goes in, the reports come out. */
const WRK = '/zap/wrk';

/** The verdict of one ZAP baseline scan, with its reports. */
@object()
export class ZapResult {
  /** True when no alert is at FAIL level. */
  @func()
  passed: boolean;

  /** One line, e.g. `2 FAIL, 1 WARN alert(s)`, or why there was no report. */
  @func()
  summary: string;

  /** One line per FAIL-level alert (`[pluginId] name (n instance(s), site)`), else the log's tail. */
  @func()
  findings: string[];

  /** report.html and report.json (ZAP's), zap.log (its output), rules.tsv when one was given. */
  @func()
  reports: Directory;

  // Dagger types only: the SDK's introspector reads the constructor's parameters.
  constructor(passed: boolean, summary: string, findings: string[], reports: Directory) {
    this.passed = passed;
    this.summary = summary;
    this.findings = findings;
    this.reports = reports;
  }

  /** Fails (with the summary and the findings) when the gate did not pass. */
  @func()
  enforce(): void {
    if (!this.passed) {
      throw new Error(
        formatGateFailure({
          name: 'zap',
          passed: false,
          summary: this.summary,
          findings: this.findings,
        }),
      );
    }
  }
}

/**
 * OWASP ZAP (zap-baseline.py) against a Dagger service. The gate reads ZAP's JSON report, not its
 * exit code: an alert fails when the rules file marks it FAIL, or when it is unlisted and its
 * risk is high.
 */
@object()
export class Zap {
  image: string;

  /**
   * @param image The ZAP image (it provides zap-baseline.py and the zap user): a mirror or
   *   another tag of ghcr.io/zaproxy/zaproxy works.
   */
  constructor(
    image = 'ghcr.io/zaproxy/zaproxy:2.17.0@sha256:781a2bdaea47324e7bab583e2263f21d257b0aee61ed51521a5be45f5f5081ef',
  ) {
    this.image = image;
  }

  /**
   * Baseline scan of http://target:<port><path>: ZAP spiders the site for `minutes`, then
   * reports its passive alerts. ZAP's own verdict is ignored (`-I`); the gate fails on any alert
   * that `rules` marks FAIL, and on any high-risk alert that `rules` does not list.
   *
   * @param target The service to scan (bound as the host "target").
   * @param port The port the service listens on.
   * @param path Where the spider starts (an absolute path, e.g. / or /app/).
   * @param rules A zap-baseline rules file (plugin id, TAB, FAIL/WARN/INFO/IGNORE, TAB, (name) per
   *   line, as zap-baseline.py -g writes it); without one only high-risk alerts fail.
   * @param minutes How long the spider may run, in minutes (zap-baseline's -m).
   */
  @func()
  async baseline(
    target: Service,
    port = 8080,
    path = '/',
    rules?: File,
    minutes = 2,
  ): Promise<ZapResult> {
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      throw new Error(`port must be 1-65535, not ${port}`);
    }
    if (!path.startsWith('/')) throw new Error(`path must start with "/", not "${path}"`);
    if (!Number.isInteger(minutes) || minutes < 1) {
      throw new Error(`minutes must be a positive integer, not ${minutes}`);
    }
    const rulesText = rules ? await rules.contents() : '';
    let levels: Map<string, ZapAction>;
    try {
      // Before the scan: a bad rules file would otherwise cost a whole scan to find out.
      levels = parseZapRules(rulesText);
    } catch (error) {
      return resultOf(noReportGate('zap', 'bad rules file', error, ''), dag.directory());
    }
    const wrk = rules ? dag.directory().withNewFile('rules.tsv', rulesText) : dag.directory();
    const args = ['zap-baseline.py', '-t', `http://target:${port}${path}`, '-m', String(minutes)];
    args.push('-J', 'report.json', '-r', 'report.html', '-I');
    if (rules) args.push('-c', 'rules.tsv');
    const run = dag
      .container()
      .from(this.image)
      .withEntrypoint([])
      .withServiceBinding('target', target)
      .withDirectory(WRK, wrk, { owner: 'zap' })
      .withWorkdir(WRK)
      .withUser('zap')
      .withExec(args, { expect: ReturnType.Any });
    const output = await outputOf(run);
    let gate: GateResult;
    try {
      gate = gateZap(parseZapJson(await run.file(`${WRK}/report.json`).contents()), levels);
    } catch (error) {
      gate = noReportGate('zap', 'no ZAP report', error, output);
    }
    return resultOf(gate, run.directory(WRK).withNewFile('zap.log', output));
  }
}

/** The exit code, stdout and stderr of a run that was allowed to fail, as one log. */
async function outputOf(run: Container): Promise<string> {
  const [exitCode, stdout, stderr] = await Promise.all([
    run.exitCode(),
    run.stdout(),
    run.stderr(),
  ]);
  return `${stdout}\n${stderr}\nexit code ${exitCode}\n`;
}

/** The result object of a judged run. */
function resultOf(gate: GateResult, reports: Directory): ZapResult {
  return new ZapResult(gate.passed, gate.summary, gate.findings, reports);
}
