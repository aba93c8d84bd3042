/**
 * Engine tests of the schemathesis module against a one-operation API built here (Python's
 * http.server): conforming (must pass), answering 500 (must fail naming the 5xx), and behind a
 * bearer token (passes with the right Authorization secret or an authScript that logs in, fails
 * as unauthenticated with a wrong token).
 */
import { check, dag, func, object, type Service } from '@dagger.io/dagger';
import { schemathesis, type SchemathesisResult } from './schemathesis.js';

/** The API: GET /greet?name=… → {"greeting": "hello …"}; MODE=error answers 500, TOKEN requires a bearer token. */
const API = `
import json, os
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

MODE, TOKEN = os.environ.get("MODE", "ok"), os.environ.get("TOKEN", "")
GREETING = {"type": "object", "required": ["greeting"], "additionalProperties": False,
            "properties": {"greeting": {"type": "string"}}}
SPEC = {"openapi": "3.0.3", "info": {"title": "greeter", "version": "1.0.0"}, "paths": {"/greet": {"get": {
    "parameters": [{"name": "name", "in": "query", "required": True, "schema": {"type": "string"}}],
    "responses": {"200": {"description": "the greeting", "content": {"application/json": {"schema": GREETING}}},
                  "400": {"description": "no name"}, "401": {"description": "no or wrong token"}}}}}}

class Handler(BaseHTTPRequestHandler):
    def reply(self, status, body=None):
        data = b"" if body is None else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        url = urlparse(self.path)
        if url.path == "/openapi.json":
            return self.reply(200, SPEC)
        if url.path != "/greet":
            return self.reply(404, {"error": "not found"})
        if TOKEN and self.headers.get("authorization") != "Bearer " + TOKEN:
            return self.reply(401, {"error": "unauthorized"})
        if MODE == "error":
            return self.reply(500, {"error": "internal error"})
        names = parse_qs(url.query).get("name")
        if not names:
            return self.reply(400, {"error": "name is required"})
        return self.reply(200, {"greeting": "hello " + names[0]})

    # Not in the schema: hands out the token, as a login would (see AUTH_SCRIPT).
    def do_POST(self):
        if urlparse(self.path).path != "/login":
            return self.reply(405)
        return self.reply(200, {"token": TOKEN})

    # Every other method (schemathesis also sends TRACE, QUERY, …) answers 405, as a
    # well-behaved server does; http.server's default is a 501.
    def __getattr__(self, name):
        if name.startswith("do_"):
            return lambda: self.reply(405)
        raise AttributeError(name)

ThreadingHTTPServer(("0.0.0.0", 8080), Handler).serve_forever()
`;

/** The token the protected variant requires. */
const TOKEN = 'test-token';

/** Logs in at $BASE_URL (set by the module) and prints the Authorization header's value. */
const AUTH_SCRIPT = `
import json, os, urllib.request
req = urllib.request.Request(os.environ["BASE_URL"] + "/login", data=b"{}", method="POST")
print("Bearer " + json.load(urllib.request.urlopen(req, timeout=30))["token"])
`;

/** The verdict of one run: passed, and summary plus findings as one text. */
async function verdict(result: SchemathesisResult): Promise<{ passed: boolean; text: string }> {
  const [passed, summary, findings] = await Promise.all([
    result.passed(),
    result.summary(),
    result.findings(),
  ]);
  return { passed, text: [summary, ...findings].join('\n') };
}

@object()
export class SchemathesisTests {
  pythonImage: string;

  /** @param pythonImage A Python 3 image (runs the test API). */
  constructor(
    pythonImage = 'docker.io/library/python:3.12-slim-bookworm@sha256:782412e85d0f0984994c290652577d4018aff08145c85b262bb63dc0c7522254',
  ) {
    this.pythonImage = pythonImage;
  }

  /**
   * The test API on port 8080 (its schema at /openapi.json).
   * @param mode "ok", or "error" to answer every greeting with a 500.
   * @param token When set, GET /greet requires "Authorization: Bearer <token>".
   */
  @func()
  api(mode = 'ok', token = ''): Service {
    return dag
      .container()
      .from(this.pythonImage)
      .withNewFile('/srv/api.py', API)
      .withEnvVariable('MODE', mode)
      .withEnvVariable('TOKEN', token)
      .withExposedPort(8080)
      .asService({ args: ['python', '/srv/api.py'] });
  }

  /** A conforming API passes. */
  @func()
  @check()
  async passesConformingApi(): Promise<void> {
    const { passed, text } = await verdict(schemathesis().run(this.api(), { maxExamples: 20 }));
    if (!passed) throw new Error(`expected a pass, got: ${text}`);
  }

  /** An API answering 500 fails, naming the operation's server error. */
  @func()
  @check()
  async failsOnServerError(): Promise<void> {
    const { passed, text } = await verdict(
      schemathesis().run(this.api('error'), { maxExamples: 20 }),
    );
    if (passed) throw new Error(`expected a failure, it passed: ${text}`);
    if (!text.includes('server-error GET /greet')) {
      throw new Error(`expected a server error of GET /greet, got: ${text}`);
    }
  }

  /** Behind a token: the Authorization secret gets the run past authentication. */
  @func()
  @check()
  async passesWithAuthorization(): Promise<void> {
    const authorization = dag.setSecret('schemathesis-test-auth', `Bearer ${TOKEN}`);
    const { passed, text } = await verdict(
      schemathesis().run(this.api('ok', TOKEN), { maxExamples: 20, authorization }),
    );
    if (!passed) throw new Error(`expected a pass, got: ${text}`);
  }

  /** Behind a token: an authScript that logs in gets the run past authentication. */
  @func()
  @check()
  async passesWithAuthScript(): Promise<void> {
    const authScript = dag.directory().withNewFile('auth.py', AUTH_SCRIPT).file('auth.py');
    const { passed, text } = await verdict(
      schemathesis().run(this.api('ok', TOKEN), { maxExamples: 20, authScript }),
    );
    if (!passed) throw new Error(`expected a pass, got: ${text}`);
  }

  /** An authScript that fails stops the run: a failed result saying so, not a pass. */
  @func()
  @check()
  async failsWhenAuthScriptFails(): Promise<void> {
    const script = 'raise SystemExit("login refused")\n';
    const authScript = dag.directory().withNewFile('auth.py', script).file('auth.py');
    const { passed, text } = await verdict(
      schemathesis().run(this.api('ok', TOKEN), { maxExamples: 20, authScript }),
    );
    if (passed) throw new Error(`expected a failure, it passed: ${text}`);
    if (!text.includes('no schemathesis report') || !text.includes('authScript failed')) {
      throw new Error(`expected the failed authScript to be named, got: ${text}`);
    }
  }

  /** Behind a token, with a wrong one: every answer is 401, so the run fails as unauthenticated. */
  @func()
  @check()
  async failsWhenUnauthenticated(): Promise<void> {
    const authorization = dag.setSecret('schemathesis-test-wrong-auth', 'Bearer wrong');
    const { passed, text } = await verdict(
      schemathesis().run(this.api('ok', TOKEN), { maxExamples: 20, authorization }),
    );
    if (passed) throw new Error(`expected a failure, it passed: ${text}`);
    if (!text.includes('unauthenticated GET /greet')) {
      throw new Error(`expected GET /greet to be reported unauthenticated, got: ${text}`);
    }
  }
}
