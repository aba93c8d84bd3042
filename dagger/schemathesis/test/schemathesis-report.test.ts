import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatGateFailure, noReportGate } from '../src/gate.js';
import { stArgs } from '../src/flags.js';
import {
  gateSchemathesis,
  parseSchemathesisAuthWarning,
  parseSchemathesisJunit,
} from '../src/schemathesis-report.js';

const here = dirname(fileURLToPath(import.meta.url));
const fixture = (name: string): string => readFileSync(join(here, 'fixtures', name), 'utf8');

describe('schemathesis module: report', () => {
  it('passes a run where every operation passed', () => {
    const gate = gateSchemathesis(parseSchemathesisJunit(fixture('schemathesis-pass.xml')));
    assert.equal(gate.passed, true);
    assert.equal(gate.name, 'schemathesis');
    assert.match(gate.summary, /^4 operations: 0 server error/);
  });

  it('fails on 5xx and schema violations, tolerating other findings', () => {
    const run = parseSchemathesisJunit(fixture('schemathesis-fail.xml'));
    assert.equal(run.operations, 5);
    assert.deepEqual(
      run.failures.map((f) => [f.operation, f.kind]),
      [
        ['POST /api/conversations', 'server-error'],
        ['GET /api/conversations/{id}', 'schema-violation'],
        ['PATCH /api/conversations/{id}', 'other'],
        ['DELETE /api/conversations/{id}', 'other'],
      ],
    );
    const gate = gateSchemathesis(run);
    assert.equal(gate.passed, false);
    assert.deepEqual(gate.findings, [
      'server-error POST /api/conversations: - ST101 Server error',
      'schema-violation GET /api/conversations/{id}: - ST108 Response violates schema',
    ]);
    assert.match(gate.summary, /1 server error\(s\), 1 schema violation\(s\), 2 other/);
  });

  it('reads a real schemathesis 4.32 report', () => {
    const run = parseSchemathesisJunit(fixture('schemathesis-4.32-server-errors.xml'));
    assert.equal(run.operations, 4);
    assert.deepEqual(
      run.failures.map((f) => [f.operation, f.kind, f.message]),
      [
        ['POST /api/auth/login', 'server-error', '- ST101 Server error'],
        ['POST /api/auth/logout', 'server-error', '- ST101 Server error'],
      ],
    );
    assert.equal(gateSchemathesis(run).passed, false);
  });

  it('fails a recorded run where every path answered TRACE with a 500', () => {
    // schemathesis 4.32.5: 11 of 14 operations failed; the "Stateful tests" case is no operation.
    const run = parseSchemathesisJunit(fixture('schemathesis-4.32.5-trace-500.xml'));
    assert.equal(run.operations, 14);
    const errors = run.failures.filter((f) => f.kind === 'server-error');
    assert.equal(errors.length, 11);
    assert.ok(errors.some((f) => f.operation === 'GET /health'));
    const gate = gateSchemathesis(run);
    assert.equal(gate.passed, false);
    assert.match(gate.summary, /^14 operations: 11 server error\(s\)/);
  });

  it('fails when operations only ever saw 401/403 (authentication did not work)', () => {
    // Recorded with schemathesis 4.32.5 after a fuzzed logout revoked the run's token: the
    // JUnit report is green, only the console's warning says the operations were never tested.
    const unauthenticated = parseSchemathesisAuthWarning(
      fixture('schemathesis-4.32.5-logout-401.txt'),
    );
    assert.deepEqual(unauthenticated, [
      'DELETE /api/conversations/{id}',
      'GET /api/auth/me',
      'GET /api/conversations',
      'GET /api/conversations/{id}',
      'GET /api/conversations/{id}/messages',
      'GET /api/models',
      'PATCH /api/conversations/{id}',
    ]);
    const clean = parseSchemathesisJunit(fixture('schemathesis-pass.xml'));
    const gate = gateSchemathesis(clean, unauthenticated);
    assert.equal(gate.passed, false);
    assert.match(gate.summary, /7 answered only 401\/403$/);
    assert.equal(
      gate.findings[0],
      'unauthenticated DELETE /api/conversations/{id}: only 401/403 answers, never fuzzed',
    );
    const colored =
      '\x1b[1mAuthentication failed: 1 operation returned only 401/403 responses\x1b[0m\n\n' +
      '403 Forbidden (1 operation):\n  - GET /api/models\n\nSchema validation skipped: 1 operation\n  - GET /metrics\n';
    assert.deepEqual(parseSchemathesisAuthWarning(colored), ['GET /api/models']);
    assert.deepEqual(parseSchemathesisAuthWarning('No issues found'), []);
  });

  it('reads a recorded run against a one-operation API that answers 500, and a wrong token', () => {
    // Recorded with schemathesis 4.32.5 against the engine test's API (tests/src/index.ts).
    const run = parseSchemathesisJunit(fixture('schemathesis-4.32.5-greet-500.xml'));
    assert.equal(run.operations, 1);
    const gate = gateSchemathesis(run);
    assert.equal(gate.passed, false);
    assert.deepEqual(gate.findings, ['server-error GET /greet: - ST101 Server error']);
    const log = fixture('schemathesis-4.32.5-wrong-token-401.txt');
    assert.deepEqual(parseSchemathesisAuthWarning(log), ['GET /greet']);
  });

  it('fails when nothing was tested, and rejects non-JUnit input', () => {
    assert.equal(gateSchemathesis({ operations: 0, failures: [] }).passed, false);
    assert.throws(() => parseSchemathesisJunit('<html></html>'), /not a JUnit report/);
  });

  it('a missing report fails with the reason and the tail of the output', () => {
    const gate = noReportGate(
      'schemathesis',
      'no schemathesis report',
      new Error('ENOENT'),
      'a\nb',
    );
    assert.equal(
      formatGateFailure(gate),
      'schemathesis gate failed: no schemathesis report: ENOENT\n  - a\n  - b',
    );
  });
});

describe('schemathesis module: flags', () => {
  const defaults = {
    schemaPath: '/openapi.json',
    port: 8080,
    maxExamples: 50,
    includePath: '',
    excludePath: '',
    checks: 'not_a_server_error, response_schema_conformance',
    junit: '/out/junit.xml',
  };

  it('points st at the target and writes JUnit', () => {
    assert.deepEqual(stArgs(defaults), [
      'http://target:8080/openapi.json',
      '--url',
      'http://target:8080',
      '--wait-for-schema',
      '30',
      '--checks',
      'not_a_server_error,response_schema_conformance',
      '--max-examples',
      '50',
      '--report',
      'junit',
      '--report-junit-path',
      '/out/junit.xml',
    ]);
    const filtered = stArgs({ ...defaults, includePath: '/items', excludePath: '/logout' });
    assert.deepEqual(filtered.slice(9, 13), [
      '--include-path',
      '/items',
      '--exclude-path',
      '/logout',
    ]);
  });

  it('rejects values schemathesis would misread', () => {
    assert.throws(
      () => stArgs({ ...defaults, schemaPath: 'openapi.json' }),
      /schemaPath must start/,
    );
    assert.throws(() => stArgs({ ...defaults, port: 0 }), /port must be 1-65535/);
    assert.throws(() => stArgs({ ...defaults, maxExamples: 0 }), /maxExamples must be/);
    assert.throws(() => stArgs({ ...defaults, checks: ' , ' }), /checks must be/);
    assert.throws(() => stArgs({ ...defaults, checks: 'all --dry-run' }), /checks must be/);
  });
});
