import { dag } from '@dagger.io/dagger';
import type { Pipeline, StageResult } from './context.js';
import { runGate } from './gates/run.js';
import {
  gateSchemathesis,
  mergeSchemathesisRuns,
  parseSchemathesisAuthWarning,
  parseSchemathesisJunit,
} from './gates/schemathesis.js';
import { SCHEMATHESIS_VERSION } from './images.js';
import { backendService } from './stack.js';

/**
 * Registers a throwaway user on the backend and prints its session token: the fuzzer then
 * reaches the authenticated routes too. The password is random per run, never stored.
 */
const REGISTER = `
import json, secrets, urllib.request
body = json.dumps({"username": "fuzz_" + secrets.token_hex(4), "password": secrets.token_urlsafe(16)}).encode()
req = urllib.request.Request("http://api:8080/api/auth/register", data=body, headers={"content-type": "application/json"})
print(json.load(urllib.request.urlopen(req, timeout=30))["token"])
`;

/** The operation that revokes the session it is called with. */
const LOGOUT = '/api/auth/logout';

/** One `st run` against the backend, authenticated with $TOKEN, its JUnit report at `junit`. */
function stRun(maxExamples: number, filter: string, junit: string): string {
  return (
    'st run http://api:8080/api/openapi.json --url http://api:8080 --wait-for-schema 30 ' +
    '--checks not_a_server_error,response_schema_conformance ' +
    `--max-examples ${maxExamples} --header "Authorization: Bearer $TOKEN" ${filter} ` +
    `--report junit --report-junit-path ${junit} || status=$?`
  );
}

/**
 * schemathesis (from PyPI, pinned) against the running backend's /api/openapi.json. Gate: no 5xx,
 * no response that violates the schema, and every operation fuzzed past authentication.
 * A fuzzed POST /api/auth/logout revokes the run's token, after which every authenticated
 * operation only sees 401s; so logout gets a run of its own, with its own token.
 */
export async function fuzzStage(p: Pipeline, maxExamples: number): Promise<StageResult> {
  const container = dag
    .container()
    .from(p.images.python)
    .withMountedCache('/root/.cache/pip', dag.cacheVolume('aichat-pip'))
    .withExec(['pip', 'install', '--no-input', '--quiet', `schemathesis==${SCHEMATHESIS_VERSION}`])
    .withServiceBinding('api', backendService(p))
    .withNewFile('/fuzz/register.py', REGISTER)
    .withWorkdir('/fuzz');
  const script = [
    'set -e',
    'mkdir -p /out',
    'status=0',
    'TOKEN=$(python register.py)',
    stRun(maxExamples, `--exclude-path ${LOGOUT}`, '/out/junit.xml'),
    'TOKEN=$(python register.py)',
    stRun(maxExamples, `--include-path ${LOGOUT}`, '/out/junit-logout.xml'),
    'echo "schemathesis exit code $status"',
  ].join('\n');
  return runGate(container, script, {
    name: 'fuzz-api',
    judge: async (run, { output }) => {
      const reports = await Promise.all(
        ['/out/junit.xml', '/out/junit-logout.xml'].map(async (path) =>
          parseSchemathesisJunit(await run.file(path).contents()),
        ),
      );
      return gateSchemathesis(mergeSchemathesisRuns(reports), parseSchemathesisAuthWarning(output));
    },
    missing: 'no schemathesis report',
    reports: '/out',
    log: 'schemathesis.log',
  });
}
