import { dag } from '@dagger.io/dagger';
import type { Pipeline, StageResult } from './context.js';
import { combineGates } from './gates/gate.js';
import { backendService } from './stack.js';
import { stageResult, toolchains } from './toolchains.js';

/**
 * Registers a throwaway user on the backend and prints the Authorization header's value: the
 * fuzzer then reaches the authenticated routes too. The password is random per run, never
 * stored. The schemathesis module runs it with BASE_URL pointing at the target.
 */
const REGISTER = `
import json, os, secrets, urllib.request
body = json.dumps({"username": "fuzz_" + secrets.token_hex(4), "password": secrets.token_urlsafe(16)}).encode()
req = urllib.request.Request(os.environ["BASE_URL"] + "/api/auth/register", data=body, headers={"content-type": "application/json"})
print("Bearer " + json.load(urllib.request.urlopen(req, timeout=30))["token"])
`;

/** The operation that revokes the session it is called with. */
const LOGOUT = '/api/auth/logout';

/**
 * schemathesis (the schemathesis module, dagger/schemathesis) against the running backend's
 * /api/openapi.json, as a registered user. Gate: no 5xx, no response that violates the schema,
 * and every operation fuzzed past authentication. A fuzzed POST /api/auth/logout revokes the
 * run's token, after which every authenticated operation only sees 401s; so logout gets a run of
 * its own, with its own user.
 */
export async function fuzzStage(p: Pipeline, maxExamples: number): Promise<StageResult> {
  const schemathesis = toolchains.schemathesis({ image: p.images.python });
  const authScript = dag.directory().withNewFile('register.py', REGISTER).file('register.py');
  const run = (name: string, paths: { includePath?: string; excludePath?: string }) =>
    stageResult(
      `fuzz-api:${name}`,
      schemathesis.run(backendService(p), {
        schemaPath: '/api/openapi.json',
        port: 8080,
        maxExamples,
        authScript,
        ...paths,
      }),
    );
  const [api, logout] = await Promise.all([
    run('api', { excludePath: LOGOUT }),
    run('logout', { includePath: LOGOUT }),
  ]);
  const gate = combineGates(
    'fuzz-api',
    [api.gate, logout.gate],
    `api: ${api.gate.summary}; logout: ${logout.gate.summary}`,
  );
  const reports = dag
    .directory()
    .withDirectory('api', api.reports)
    .withDirectory('logout', logout.reports);
  return { gate, reports };
}
