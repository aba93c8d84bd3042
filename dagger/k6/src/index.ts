/**
 * k6 load tests against any Dagger service, gated on the script's thresholds as k6's summary
 * reports them.
 */
import { dag, type Directory, func, object, ReturnType, type Service } from '@dagger.io/dagger';
import { checkEntry, checkHost, parseEnv } from './flags.js';
import { formatGateFailure, noReportGate, type GateResult } from './gate.js';
import { gateK6 } from './k6-summary.js';

/** The reports directory, also the script's $OUT_DIR. /tmp: writable by the image's k6 user. */
const OUT = '/tmp/out';
/** Where the script directory is mounted (the working directory of the run). */
const SCRIPTS = '/scripts';

/** The verdict of one k6 run, with its reports. */
@object()
export class K6Result {
  /** True when the summary has thresholds and every one held. */
  @func()
  passed: boolean;

  /** One line, e.g. `2/3 thresholds held; http p95 4.2 ms, errors 0.00%, 20 requests`. */
  @func()
  summary: string;

  /** One line per crossed threshold (`http_req_duration: p(95)<500 crossed (p(95) = 812.7)`), else the log's tail. */
  @func()
  findings: string[];

  /**
   * summary-export.json (k6's --summary-export, read by the gate), report.html (k6's web
   * dashboard; k6 skips it for runs shorter than a few K6_WEB_DASHBOARD_PERIODs, 10 s by
   * default), k6.log (its output), and whatever the script wrote to $OUT_DIR.
   */
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
          name: 'k6',
          passed: false,
          summary: this.summary,
          findings: this.findings,
        }),
      );
    }
  }
}

/** k6 (grafana/k6) running a script directory against a Dagger service. */
@object()
export class K6 {
  image: string;

  /** @param image The k6 image (k6 on the PATH, a POSIX shell). */
  constructor(
    image = 'docker.io/grafana/k6:1.8.1@sha256:23f2279054c3e01535455c4d92914a625df12aeb631ea0e3ea7a43f96bcbc843',
  ) {
    this.image = image;
  }

  /**
   * `k6 run <entry>` in the script directory. k6's exit code is not the verdict (it exits 99
   * when a threshold is crossed, and the reports must survive): the gate reads the end-of-test
   * summary (--summary-export) and fails when a threshold was crossed, or when there is none.
   * The script sees $OUT_DIR (the reports directory: files written there, e.g. by its
   * handleSummary, are returned) and each `env` pair in __ENV.
   *
   * @param script The directory holding the k6 script(s) and what they import.
   * @param entry The script to run, relative to the script directory, e.g. smoke.js.
   * @param target The service under test, reachable from the script as http://<targetHost>:<port>.
   * @param targetHost The host name the target is bound as.
   * @param env KEY=VALUE pairs for the script's __ENV (also read by k6 itself, e.g. K6_VUS=10).
   *   OUT_DIR and the web dashboard's variables are the module's.
   */
  @func()
  async run(
    script: Directory,
    entry: string,
    target?: Service,
    targetHost = 'target',
    env: string[] = [],
  ): Promise<K6Result> {
    checkEntry(entry);
    let container = dag.container().from(this.image).withEntrypoint([]);
    if (target) container = container.withServiceBinding(checkHost(targetHost), target);
    for (const [name, value] of parseEnv(env)) container = container.withEnvVariable(name, value);
    // After the caller's env: the reports must land where they are collected.
    const run = container
      .withEnvVariable('OUT_DIR', OUT)
      .withEnvVariable('K6_WEB_DASHBOARD', 'true')
      .withEnvVariable('K6_WEB_DASHBOARD_EXPORT', `${OUT}/report.html`)
      .withEnvVariable('K6_NO_USAGE_REPORT', 'true')
      .withDirectory(SCRIPTS, script)
      .withWorkdir(SCRIPTS)
      .withExec(
        [
          'sh',
          '-c',
          'mkdir -p "$OUT_DIR" && exec k6 run --quiet --summary-export "$OUT_DIR/summary-export.json" "$1"',
          'k6',
          entry,
        ],
        { expect: ReturnType.Any },
      );
    const [exitCode, stdout, stderr] = await Promise.all([
      run.exitCode(),
      run.stdout(),
      run.stderr(),
    ]);
    const output = `${stdout}\n${stderr}\nk6 exit code ${exitCode}\n`;
    let gate: GateResult;
    try {
      gate = gateK6(await run.file(`${OUT}/summary-export.json`).contents());
    } catch (error) {
      gate = noReportGate('k6', `no k6 summary (k6 exit code ${exitCode})`, error, output);
    }
    return resultOf(gate, run.directory(OUT).withNewFile('k6.log', output));
  }
}

/** The result object of a judged run. */
function resultOf(gate: GateResult, reports: Directory): K6Result {
  return new K6Result(gate.passed, gate.summary, gate.findings, reports);
}
