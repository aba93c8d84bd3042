import { dag } from '@dagger.io/dagger';
import { outcome, runAllowingFailure } from './base.js';
import type { Pipeline, StageResult } from './context.js';
import type { GateResult } from './gates/gate.js';
import { gateSchemathesis, parseSchemathesisJunit } from './gates/schemathesis.js';
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

/**
 * schemathesis (from PyPI, pinned) against the running backend's /api/openapi.json. Gate: no 5xx
 * and no response that violates the schema.
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
    'TOKEN=$(python register.py)',
    'status=0',
    'st run http://api:8080/api/openapi.json --url http://api:8080 --wait-for-schema 30 ' +
      '--checks not_a_server_error,response_schema_conformance ' +
      `--max-examples ${maxExamples} --header "Authorization: Bearer $TOKEN" ` +
      '--report junit --report-junit-path /out/junit.xml || status=$?',
    'echo "schemathesis exit code $status"',
  ].join('\n');
  const run = runAllowingFailure(container, script);
  const { output } = await outcome(run);
  let gate: GateResult;
  try {
    gate = gateSchemathesis(parseSchemathesisJunit(await run.file('/out/junit.xml').contents()));
  } catch (error) {
    gate = {
      name: 'fuzz-api',
      passed: false,
      summary: `no schemathesis report: ${(error as Error).message}`,
      findings: output.trim().split('\n').slice(-10),
    };
  }
  return { gate, reports: run.directory('/out').withNewFile('schemathesis.log', output) };
}
