/**
 * schemathesis (property-based API testing from an OpenAPI schema) against any HTTP service,
 * gated on server errors, schema violations and operations never tested past authentication.
 */
import {
  type Container,
  dag,
  type Directory,
  type File,
  func,
  object,
  ReturnType,
  type Secret,
  type Service,
} from '@dagger.io/dagger';
import { formatGateFailure, noReportGate, type GateResult } from './gate.js';
import { stArgs } from './flags.js';
import {
  gateSchemathesis,
  parseSchemathesisAuthWarning,
  parseSchemathesisJunit,
} from './schemathesis-report.js';

/** Where the run writes its JUnit report (returned as the result's reports). */
const OUT = '/out';

/** Where an authScript is mounted. */
const AUTH_SCRIPT = '/auth/auth.py';

/**
 * Runs `st run "$@"`, adding the Authorization header from $ST_AUTHORIZATION when set, or from
 * the output of the authScript: the value reaches schemathesis through the environment, never
 * through the command line Dagger records. The exit code is printed, not returned: the report
 * is the verdict (an authScript that fails leaves none, and says why).
 */
const SCRIPT = `mkdir -p ${OUT}
if [ -f ${AUTH_SCRIPT} ]; then
  ST_AUTHORIZATION=$(python ${AUTH_SCRIPT}) || { echo "authScript failed (exit code $?)"; exit 0; }
  [ -n "$ST_AUTHORIZATION" ] || { echo "authScript printed no Authorization value"; exit 0; }
fi
if [ -n "\${ST_AUTHORIZATION:-}" ]; then set -- "$@" --header "Authorization: $ST_AUTHORIZATION"; fi
st run "$@"
echo "schemathesis exit code $?"`;

/** The verdict of one schemathesis run, with its reports. */
@object()
export class SchemathesisResult {
  /** True when some operation was tested and none answered 5xx, violated the schema or only 401/403. */
  @func()
  passed: boolean;

  /** One line, e.g. `3 operations: 1 server error(s), 0 schema violation(s), …`, or why there was no report. */
  @func()
  summary: string;

  /** One line per blocking failure (`server-error GET /items: - ST101 Server error`), else the log's tail. */
  @func()
  findings: string[];

  /** junit.xml (schemathesis' report) and schemathesis.log (its output). */
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
          name: 'schemathesis',
          passed: false,
          summary: this.summary,
          findings: this.findings,
        }),
      );
    }
  }
}

/**
 * schemathesis, installed from PyPI at a pinned version into a Python image, against a Dagger
 * service that serves its OpenAPI schema.
 */
@object()
export class Schemathesis {
  image: string;
  version: string;

  /**
   * @param image A Python 3 image with pip (schemathesis is installed into it, pip's cache in a
   *   cache volume).
   * @param version The schemathesis release installed from PyPI.
   */
  constructor(
    image = 'docker.io/library/python:3.12-slim-bookworm@sha256:782412e85d0f0984994c290652577d4018aff08145c85b262bb63dc0c7522254',
    version = '4.32.5',
  ) {
    this.image = image;
    this.version = version;
  }

  /** The Python image with schemathesis installed (`st` on the PATH). */
  @func()
  container(): Container {
    return dag
      .container()
      .from(this.image)
      .withMountedCache('/root/.cache/pip', dag.cacheVolume('schemathesis-pip'))
      .withEnvVariable('PIP_DISABLE_PIP_VERSION_CHECK', '1')
      .withExec(['pip', 'install', '--no-input', '--quiet', `schemathesis==${this.version}`]);
  }

  /**
   * Fuzzes every operation of the schema at http://target:<port><schemaPath> (waiting up to 30 s
   * for it) with the given checks. The gate, read from the JUnit report and the output: fails
   * on any 5xx answer or response that violates the schema, when no operation was tested, and
   * when schemathesis warns that operations only ever answered 401/403 (the authorization did
   * not work, so they were never really tested). Other findings are listed, not blocking.
   *
   * @param target The service to test (bound as the host "target").
   * @param schemaPath Path of the OpenAPI schema on the service.
   * @param port The port the service listens on.
   * @param maxExamples Examples generated per operation (schemathesis' --max-examples).
   * @param authorization The value of the Authorization header sent with every request, e.g.
   *   "Bearer <token>" (a secret: passed through the environment, masked in reports).
   * @param authScript Instead of authorization: a Python script that prints the Authorization
   *   header's value (e.g. after registering a throwaway user), run once before the fuzzing with
   *   the image's python and BASE_URL=http://target:<port> in its environment.
   * @param includePath Test only the operations on this path (--include-path); empty for all.
   * @param excludePath Skip the operations on this path (--exclude-path); empty for none.
   * @param checks Comma-separated schemathesis checks (--checks).
   */
  @func()
  async run(
    target: Service,
    schemaPath = '/openapi.json',
    port = 8080,
    maxExamples = 50,
    authorization?: Secret,
    authScript?: File,
    includePath = '',
    excludePath = '',
    checks = 'not_a_server_error,response_schema_conformance',
  ): Promise<SchemathesisResult> {
    const args = stArgs({
      schemaPath,
      port,
      maxExamples,
      includePath,
      excludePath,
      checks,
      junit: `${OUT}/junit.xml`,
    });
    if (authorization && authScript) throw new Error('give authorization or authScript, not both');
    let container = this.container().withServiceBinding('target', target);
    if (authorization) container = container.withSecretVariable('ST_AUTHORIZATION', authorization);
    if (authScript) {
      container = container
        .withEnvVariable('BASE_URL', `http://target:${port}`)
        .withFile(AUTH_SCRIPT, authScript);
    }
    const run = container.withExec(['sh', '-c', SCRIPT, 'st', ...args], {
      expect: ReturnType.Any,
    });
    const [stdout, stderr] = await Promise.all([run.stdout(), run.stderr()]);
    const output = `${stdout}\n${stderr}`;
    let gate: GateResult;
    try {
      const report = parseSchemathesisJunit(await run.file(`${OUT}/junit.xml`).contents());
      gate = gateSchemathesis(report, parseSchemathesisAuthWarning(output));
    } catch (error) {
      gate = noReportGate('schemathesis', 'no schemathesis report', error, output);
    }
    return resultOf(gate, run.directory(OUT).withNewFile('schemathesis.log', output));
  }
}

/** The result object of a judged run. */
function resultOf(gate: GateResult, reports: Directory): SchemathesisResult {
  return new SchemathesisResult(gate.passed, gate.summary, gate.findings, reports);
}
