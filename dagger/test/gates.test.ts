import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
import { gateNpmAudit, parseNpmAudit } from '../src/gates/npm-audit.js';
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
    try {
      assert.equal(run({ sh: '/bin/sh' }), '');
      const calls = run({ sh: '/bin/sh', chromium: '/nonexistent/chromium' });
      assert.match(calls, /^update -qq\ninstall -y -qq --no-install-recommends chromium\n$/);
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
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
