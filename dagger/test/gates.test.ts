import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { installMissingScript } from '../src/base.js';
import { ciFailure } from '../src/ci.js';
import {
  combineGates,
  enforceGate,
  exitCodeGate,
  formatGateFailure,
  gatesMarkdown,
  noReportGate,
  normalizeSeverity,
  parseThreshold,
} from '../src/gates/gate.js';
import { junitFailureLines, parseJunit, testRunGate } from '../src/gates/junit.js';
import { k6Figures, gateK6 } from '../src/gates/k6.js';
import { gateNpmAudit, parseNpmAudit } from '../src/gates/npm-audit.js';
import {
  gateSchemathesis,
  mergeSchemathesisRuns,
  parseSchemathesisAuthWarning,
  parseSchemathesisJunit,
} from '../src/gates/schemathesis.js';
import { countSarifResults, gateTrivy, parseTrivyJson } from '../src/gates/trivy.js';
import { gateZap, parseZapJson, parseZapRules } from '../src/gates/zap.js';
import { imageValues, selectEnvironments } from '../src/chart.js';
import { imageReferences } from '../src/publish.js';
import { registryHost } from '../src/release/references.js';
import { resolveImages, DEFAULT_IMAGES } from '../src/images.js';

const here = dirname(fileURLToPath(import.meta.url));
const fixture = (name: string): string => readFileSync(join(here, 'fixtures', name), 'utf8');

describe('dagger gates: severities and verdicts', () => {
  it('normalizes tool severities and rejects unknown thresholds', () => {
    assert.equal(normalizeSeverity('MEDIUM'), 'moderate');
    assert.equal(normalizeSeverity('CRITICAL'), 'critical');
    assert.equal(normalizeSeverity('UNKNOWN'), 'info');
    assert.equal(parseThreshold('HIGH'), 'high');
    assert.throws(() => parseThreshold('hihg'), /unknown severity threshold "hihg"/);
  });

  it('turns an exit code into a gate with the output tail', () => {
    assert.equal(exitCodeGate('test', 0, 'ok').passed, true);
    const failed = exitCodeGate('test', 2, 'line1\n  1 failing');
    assert.equal(failed.passed, false);
    assert.deepEqual(failed.findings, ['line1', '  1 failing']);
    assert.throws(() => enforceGate(failed), /test gate failed: exit code 2\n {2}- line1/);
  });

  it("a missing report fails the gate with the reader's error and the last 10 lines of output", () => {
    const output = `\n${Array.from({ length: 12 }, (_, i) => `line ${i + 1}`).join('\n')}\n`;
    const gate = noReportGate('zap', 'no ZAP report', new Error('ENOENT report.json'), output);
    assert.deepEqual(gate, {
      name: 'zap',
      passed: false,
      summary: 'no ZAP report: ENOENT report.json',
      findings: [
        'line 3',
        'line 4',
        'line 5',
        'line 6',
        'line 7',
        'line 8',
        'line 9',
        'line 10',
        'line 11',
        'line 12',
      ],
    });
    // Without a label the reader's message is the summary (npm's own error for audit).
    assert.equal(
      noReportGate('audit', '', new Error('npm audit failed: E403'), '').summary,
      'npm audit failed: E403',
    );
  });

  it('combines parts into one gate that names the failed ones', () => {
    const ok = exitCodeGate('lint:eslint', 0, '');
    const bad = exitCodeGate('lint:prettier', 1, 'x.ts');
    assert.deepEqual(combineGates('lint', [ok], 'all clean'), {
      name: 'lint',
      passed: true,
      summary: 'all clean',
      findings: [],
    });
    assert.deepEqual(combineGates('lint', [ok, bad], 'all clean'), {
      name: 'lint',
      passed: false,
      summary: 'failed: prettier',
      findings: ['lint:prettier (exit code 1)', 'x.ts'],
    });
    const policy = combineGates('policy', [exitCodeGate('conftest', 1, 'deny')], 'passed');
    assert.equal(policy.summary, 'failed: conftest');
  });

  it('ci names every failed gate, and is silent when all pass', () => {
    const ok = { name: 'lint', passed: true, summary: 'clean', findings: [] };
    const bad = { name: 'zap', passed: false, summary: '1 FAIL', findings: ['x'] };
    assert.equal(ciFailure([ok]), null);
    assert.match(
      ciFailure([ok, bad, { ...bad, name: 'audit' }]) ?? '',
      /2 gate\(s\) failed: zap, audit/,
    );
    assert.match(gatesMarkdown([ok, bad]), /\| zap \| FAIL \| 1 FAIL \|/);
    assert.match(formatGateFailure({ ...bad, findings: ['a', 'b', 'c'] }, 2), /… and 1 more/);
  });
});

describe('dagger gates: JUnit test runs', () => {
  it('reads mocha xunit output: failures, skips, suite titles', () => {
    const cases = parseJunit(fixture('mocha-xunit-failing.xml'));
    assert.equal(cases.length, 5);
    assert.deepEqual(
      cases.filter((c) => c.skipped).map((c) => c.name),
      ['pending rate limit case'],
    );
    assert.deepEqual(junitFailureLines(cases), [
      'auth routes › rejects a short password with 400: Expected values to be strictly equal:',
      'ws › closes on a bad frame: timeout waiting for close 1008',
    ]);
  });

  it('decodes the entities mocha writes (a real report from the test stage on the engine)', () => {
    const gate = testRunGate('test', 4, fixture('mocha-xunit-engine.xml'), '');
    assert.equal(gate.summary, 'exit code 4; 5 tests, 2 failed, 0 skipped');
    assert.match(
      gate.findings[0] ?? '',
      /› "before all" hook for "chat goes on within the instance/,
    );
    assert.match(gate.findings[0] ?? '', /redis-server not found/);
  });

  it('fails a non-zero run naming the failed tests', () => {
    const gate = testRunGate('test', 2, fixture('mocha-xunit-failing.xml'), 'tail');
    assert.equal(gate.passed, false);
    assert.equal(gate.summary, 'exit code 2; 5 tests, 2 failed, 1 skipped');
    assert.equal(gate.findings.length, 2);
  });

  it('falls back to the output tail when the run crashed before writing a report', () => {
    const gate = testRunGate('e2e', 1, null, 'building…\nError: Cannot find module vite');
    assert.equal(gate.summary, 'exit code 1; no JUnit report');
    assert.deepEqual(gate.findings, ['building…', 'Error: Cannot find module vite']);
    assert.equal(testRunGate('e2e', 1, '<html/>', 'x').summary, 'exit code 1; no JUnit report');
  });

  it('passes a zero exit code with the counts', () => {
    const gate = testRunGate('test', 0, fixture('schemathesis-pass.xml'), '');
    assert.deepEqual([gate.passed, gate.summary], [true, '4 tests, 0 failed, 0 skipped']);
  });
});

describe('dagger gates: npm audit', () => {
  it('passes a clean report', () => {
    const gate = gateNpmAudit(parseNpmAudit(fixture('npm-audit-clean.json')), 'high');
    assert.equal(gate.passed, true);
  });

  it('fails on a high vulnerability at threshold high, listing only those', () => {
    const report = parseNpmAudit(fixture('npm-audit-high.json'));
    assert.deepEqual(report.counts, { info: 0, low: 0, moderate: 2, high: 1, critical: 0 });
    const gate = gateNpmAudit(report, 'high');
    assert.equal(gate.passed, false);
    assert.equal(gate.findings.length, 1);
    assert.match(
      gate.findings[0] ?? '',
      /^high cross-spawn: Regular Expression Denial.*fix available/,
    );
  });

  it('passes the same report at threshold critical, fails it at moderate', () => {
    const report = parseNpmAudit(fixture('npm-audit-high.json'));
    assert.equal(gateNpmAudit(report, 'critical').passed, true);
    assert.equal(gateNpmAudit(report, 'moderate').findings.length, 3);
  });

  it('never reads an npm error as a clean audit', () => {
    assert.throws(() => parseNpmAudit(fixture('npm-audit-error.json')), /npm audit failed: E405/);
    assert.throws(() => parseNpmAudit('{}'), /not an npm audit report/);
  });
});

describe('dagger gates: Trivy', () => {
  it('flattens vulnerabilities, secrets and failed misconfigurations (not passed checks)', () => {
    const findings = parseTrivyJson(fixture('trivy-fs.json'));
    assert.deepEqual(
      findings.map((f) => `${f.kind}:${f.id}:${f.severity}`),
      [
        'vulnerability:CVE-2024-21538:high',
        'vulnerability:CVE-2024-55565:moderate',
        'secret:private-key:high',
        'misconfiguration:KSV014:high',
        'misconfiguration:KSV020:low',
      ],
    );
  });

  it('fails on HIGH findings of every kind', () => {
    const gate = gateTrivy('scan-source', parseTrivyJson(fixture('trivy-fs.json')), 'high');
    assert.equal(gate.passed, false);
    assert.match(
      gate.summary,
      /3 finding\(s\) at or above high \(1 vulnerabilities, 1 secrets, 1 misconfigurations\) of 5 total/,
    );
    assert.ok(gate.findings.some((f) => f.includes('app/test/fixtures/key.pem:1')));
  });

  it('passes an image whose findings are all below the threshold', () => {
    const gate = gateTrivy('scan-image', parseTrivyJson(fixture('trivy-clean.json')), 'high');
    assert.equal(gate.passed, true);
    assert.equal(
      gateTrivy('scan-image', parseTrivyJson(fixture('trivy-clean.json')), 'low').passed,
      false,
    );
  });

  it('counts SARIF results per level (warning when omitted) and rejects non-SARIF', () => {
    assert.deepEqual(countSarifResults(fixture('trivy.sarif')), { error: 3, warning: 2, note: 0 });
    assert.throws(() => countSarifResults(fixture('trivy-fs.json')), /not a SARIF 2.1.0 log/);
    assert.throws(() => parseTrivyJson(fixture('trivy.sarif')), /not a Trivy JSON report/);
  });
});

describe('dagger gates: ZAP', () => {
  const rules = parseZapRules(readFileSync(join(here, '..', 'zap', 'rules.tsv'), 'utf8'));

  it('reads the alerts with risk and instance counts', () => {
    const alerts = parseZapJson(fixture('zap-report.json'));
    assert.deepEqual(
      alerts.map((a) => [a.pluginId, a.risk, a.instances]),
      [
        ['10038', 2, 2],
        ['10096', 0, 1],
        ['10063', 1, 1],
        ['40012', 3, 1],
      ],
    );
  });

  it('fails on rule FAIL alerts and unlisted high-risk alerts, ignores IGNORE', () => {
    const gate = gateZap(parseZapJson(fixture('zap-report.json')), rules);
    assert.equal(gate.passed, false);
    assert.equal(gate.summary, '2 FAIL, 1 WARN alert(s)');
    assert.deepEqual(
      gate.findings.map((f) => f.slice(0, 7)),
      ['[10038]', '[40012]'],
    );
  });

  it('passes when only warnings remain', () => {
    const alerts = parseZapJson(fixture('zap-report.json')).filter((a) => a.pluginId === '10063');
    assert.equal(gateZap(alerts, rules).passed, true);
  });

  it('rejects malformed rules and reports', () => {
    assert.throws(() => parseZapRules('10038\tBLOCK\t(x)'), /bad ZAP rule line/);
    assert.throws(() => parseZapJson('{"alerts":[]}'), /not a ZAP JSON report/);
  });
});

describe('dagger gates: k6', () => {
  it('passes when every threshold held and reports the headline figures', () => {
    const json = fixture('k6-summary-pass.json');
    const gate = gateK6(json);
    assert.equal(gate.passed, true);
    assert.match(
      gate.summary,
      /^5\/5 thresholds held; http p95 11.4 ms, errors 0.00%, time to first token p95 42.0 ms$/,
    );
    assert.deepEqual(k6Figures(json), {
      httpP95Ms: 11.4,
      httpFailedRate: 0,
      ttftP95Ms: 42,
      requests: 1830,
      iterations: 822,
    });
  });

  it('fails naming each crossed threshold', () => {
    const gate = gateK6(fixture('k6-summary-fail.json'));
    assert.equal(gate.passed, false);
    assert.deepEqual(gate.findings, [
      'http_req_duration: p(95)<500 crossed',
      'http_req_failed: rate<0.01 crossed',
      'chat_time_to_first_token: p(95)<1000 crossed',
      'checks: rate>0.99 crossed',
    ]);
  });

  it('reads a real k6 1.7.1 summary of dagger/k6/aichat.js against this backend', () => {
    const json = fixture('k6-1.7.1-aichat-summary.json');
    const gate = gateK6(json);
    assert.equal(gate.passed, true);
    assert.match(
      gate.summary,
      /^5\/5 thresholds held; http p95 16.8 ms, errors 0.00%, time to first token p95 29.0 ms$/,
    );
    assert.equal(k6Figures(json).requests, 15377);
  });

  it('fails a summary without thresholds, and rejects non-summaries', () => {
    assert.equal(gateK6('{"metrics":{"http_reqs":{"values":{"count":1}}}}').passed, false);
    assert.throws(() => gateK6('{}'), /not a k6 summary/);
  });
});

describe('dagger gates: schemathesis', () => {
  it('passes a run where every operation passed', () => {
    const gate = gateSchemathesis(parseSchemathesisJunit(fixture('schemathesis-pass.xml')));
    assert.equal(gate.passed, true);
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

  it('reads a real schemathesis 4.32 report (recorded against this backend)', () => {
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

  it('fails the recorded engine failure: every path answered TRACE with a 500', () => {
    // Recorded with schemathesis 4.32.5 against the backend before it mapped unknown methods
    // to 405: 11 of 14 operations (GET /health too) failed, the "Stateful tests" case is none.
    const run = parseSchemathesisJunit(fixture('schemathesis-4.32.5-trace-500.xml'));
    assert.equal(run.operations, 14);
    const errors = run.failures.filter((f) => f.kind === 'server-error');
    assert.equal(errors.length, 11);
    assert.ok(errors.some((f) => f.operation === 'GET /health'));
    const gate = gateSchemathesis(run);
    assert.equal(gate.passed, false);
    assert.match(gate.summary, /^14 operations: 11 server error\(s\)/);
  });

  it('fails when operations only ever saw 401/403 (the fuzzed logout revoked the token)', () => {
    // Recorded with schemathesis 4.32.5: logout was fuzzed with the run's token, so the
    // authenticated operations answered 401 for the rest of the run; the JUnit report is green.
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

  it('adds up the main run and the logout run', () => {
    const main = parseSchemathesisJunit(fixture('schemathesis-fail.xml'));
    const logout = parseSchemathesisJunit(fixture('schemathesis-4.32-server-errors.xml'));
    const merged = mergeSchemathesisRuns([main, logout]);
    assert.equal(merged.operations, 9);
    assert.equal(merged.failures.length, 6);
    assert.match(gateSchemathesis(merged).summary, /^9 operations: 3 server error\(s\), 1 schema/);
    assert.equal(gateSchemathesis(mergeSchemathesisRuns([logout, logout])).passed, false);
    const pass = parseSchemathesisJunit(fixture('schemathesis-pass.xml'));
    assert.equal(gateSchemathesis(mergeSchemathesisRuns([pass, pass])).passed, true);
  });

  it('fails when nothing was tested, and rejects non-JUnit input', () => {
    assert.equal(gateSchemathesis({ operations: 0, failures: [] }).passed, false);
    assert.throws(() => parseSchemathesisJunit('<html></html>'), /not a JUnit report/);
  });
});

describe('dagger pure helpers', () => {
  it('installs only the Debian packages whose binary is missing', () => {
    // A stand-in apt-get on PATH records what the script asks for.
    const bin = mkdtempSync(join(tmpdir(), 'aichat-apt-'));
    writeFileSync(join(bin, 'apt-get'), '#!/bin/sh\necho "$@" >> "$(dirname "$0")/calls"\n', {
      mode: 0o755,
    });
    const run = (packages: Record<string, string>): string => {
      execFileSync('sh', ['-c', installMissingScript(packages)], {
        env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}` },
      });
      return existsSync(join(bin, 'calls')) ? readFileSync(join(bin, 'calls'), 'utf8') : '';
    };
    assert.equal(run({ sh: '/bin/sh' }), '');
    const calls = run({ sh: '/bin/sh', chromium: '/nonexistent/chromium' });
    assert.match(calls, /^update -qq\ninstall -y -qq --no-install-recommends chromium\n$/);
  });

  it('selects environments and rejects unknown ones', () => {
    assert.deepEqual(selectEnvironments('all'), ['dev', 'staging', 'production']);
    assert.deepEqual(selectEnvironments('dev, production'), ['dev', 'production']);
    assert.throws(() => selectEnvironments('prod'), /unknown environment "prod"/);
  });

  it('points the chart at published images', () => {
    assert.deepEqual(imageValues('', ''), []);
    assert.deepEqual(imageValues('ghcr.io/acme/', 'abc123'), [
      '--set-string',
      'backend.image.tag=abc123',
      '--set-string',
      'backend.image.registry=ghcr.io',
      '--set-string',
      'backend.image.repository=acme/aichat-backend',
      '--set-string',
      'frontend.image.tag=abc123',
      '--set-string',
      'frontend.image.registry=ghcr.io',
      '--set-string',
      'frontend.image.repository=acme/aichat-frontend',
    ]);
  });

  it('publishes the tag and latest, with credentials for the registry host', () => {
    assert.deepEqual(imageReferences('ghcr.io/acme/', 'aichat-backend', 'abc123'), [
      'ghcr.io/acme/aichat-backend:abc123',
      'ghcr.io/acme/aichat-backend:latest',
    ]);
    assert.deepEqual(imageReferences('localhost:5000', 'aichat-frontend', 'latest'), [
      'localhost:5000/aichat-frontend:latest',
    ]);
    assert.equal(registryHost('ghcr.io/acme'), 'ghcr.io');
  });

  it('keeps pinned defaults for blank image overrides', () => {
    const images = resolveImages({ k6: ' localhost:5000/aichat/k6:1 ', node: '' });
    assert.equal(images.k6, 'localhost:5000/aichat/k6:1');
    assert.equal(images.node, DEFAULT_IMAGES.node);
  });
});
