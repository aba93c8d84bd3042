import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { formatGateFailure, noReportGate, normalizeSeverity, parseThreshold } from '../src/gate.js';
import {
  countSarifResults,
  gateTrivy,
  imageConfigFindings,
  parseTrivyJson,
  UNCHECKED_IMAGE_CONFIG,
} from '../src/report.js';

const fixture = (name: string): string =>
  readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

describe('trivy module: report and gate', () => {
  it('flattens vulnerabilities, secrets and failed misconfigurations (not passed checks)', () => {
    const findings = parseTrivyJson(fixture('trivy-fs.json'));
    assert.deepEqual(
      findings.map((f) => `${f.kind}:${f.id}:${f.severity}`),
      [
        'vulnerability:CVE-2024-21538:high',
        'vulnerability:CVE-2024-55565:medium',
        'secret:private-key:high',
        'misconfiguration:KSV014:high',
        'misconfiguration:KSV020:low',
      ],
    );
  });

  it('fails on HIGH findings of every kind, naming each one', () => {
    const gate = gateTrivy(parseTrivyJson(fixture('trivy-fs.json')), 'high');
    assert.equal(gate.passed, false);
    assert.equal(
      gate.summary,
      '3 finding(s) at or above high (1 vulnerabilities, 1 secrets, 1 misconfigurations) of 5 total',
    );
    assert.deepEqual(gate.findings, [
      'high vulnerability CVE-2024-21538 in package-lock.json: cross-spawn 7.0.3, fixed in 7.0.5, 6.0.6: cross-spawn: regular expression denial of service',
      'high secret private-key in app/test/fixtures/key.pem:1: Asymmetric Private Key',
      'high misconfiguration KSV014 in helm/aichat/templates/backend/deployment.yaml: Root file system is not read-only',
    ]);
  });

  it('passes a report whose findings are all below the threshold', () => {
    const findings = parseTrivyJson(fixture('trivy-clean.json'));
    assert.equal(gateTrivy(findings, 'high').passed, true);
    assert.deepEqual(gateTrivy(findings, 'high').findings, []);
    assert.equal(gateTrivy(findings, 'low').passed, false);
  });

  it('counts medium findings from a medium (or moderate) threshold up', () => {
    const findings = parseTrivyJson(fixture('trivy-fs.json'));
    assert.match(gateTrivy(findings, parseThreshold('moderate')).summary, /^4 finding/);
    assert.match(gateTrivy(findings, parseThreshold('critical')).summary, /^0 finding/);
  });

  it('counts SARIF results per level (warning when omitted) and rejects what is not a report', () => {
    assert.deepEqual(countSarifResults(fixture('trivy.sarif')), { error: 3, warning: 2, note: 0 });
    assert.throws(() => countSarifResults(fixture('trivy-fs.json')), /not a SARIF 2.1.0 log/);
    assert.throws(() => parseTrivyJson(fixture('trivy.sarif')), /not a Trivy JSON report/);
    assert.throws(() => parseTrivyJson('null'), /not a Trivy JSON report/);
    assert.throws(() => parseTrivyJson(''), SyntaxError);
  });
});

describe('trivy module: image config', () => {
  it('counts an image config Trivy could not check (no config result) as a HIGH finding', () => {
    // trivy-clean.json: an image scan whose report has no config result (nothing to check).
    const unchecked = imageConfigFindings(fixture('trivy-clean.json'));
    assert.deepEqual(unchecked, [UNCHECKED_IMAGE_CONFIG]);
    const gate = gateTrivy([...parseTrivyJson(fixture('trivy-clean.json')), ...unchecked], 'high');
    assert.equal(gate.passed, false);
    assert.match(
      gate.findings[0] ?? '',
      /^high misconfiguration image-config-unchecked in image config: no USER/,
    );
  });

  it('adds nothing when Trivy checked a config (even with no failure)', () => {
    assert.deepEqual(imageConfigFindings(fixture('trivy-fs.json')), []);
    const checked = JSON.stringify({
      SchemaVersion: 2,
      Results: [
        { Target: 'Dockerfile', Class: 'config', MisconfSummary: { Successes: 27, Failures: 0 } },
      ],
    });
    assert.deepEqual(imageConfigFindings(checked), []);
  });
});

describe('trivy module: severities', () => {
  it('accepts the four thresholds in any case, moderate as medium', () => {
    assert.equal(parseThreshold('HIGH'), 'high');
    assert.equal(parseThreshold(' low '), 'low');
    assert.equal(parseThreshold('Moderate'), 'medium');
    assert.equal(parseThreshold('medium'), 'medium');
    assert.equal(parseThreshold('critical'), 'critical');
  });

  it('rejects any other word, naming the allowed ones, so a typo cannot disable the gate', () => {
    for (const word of ['hihg', '', 'unknown', 'info', 'none']) {
      assert.throws(
        () => parseThreshold(word),
        /unknown severity threshold ".*" \(use one of low, medium, high, critical; moderate = medium\)/,
      );
    }
  });

  it("maps a report's unknown severity words to unknown, which never fails a gate", () => {
    assert.equal(normalizeSeverity('UNKNOWN'), 'unknown');
    assert.equal(normalizeSeverity('weird'), 'unknown');
    assert.equal(normalizeSeverity('MODERATE'), 'medium');
    const gate = gateTrivy(
      [{ kind: 'secret', severity: 'unknown', id: 'x', target: 'f', title: 't' }],
      'low',
    );
    assert.equal(gate.passed, true);
  });
});

describe('trivy module: failures', () => {
  it('a missing report is a failed gate naming why, with the tail of the output', () => {
    const output = Array.from({ length: 15 }, (_, i) => `line ${i + 1}`).join('\n');
    const gate = noReportGate('no Trivy report', new Error('ENOENT: trivy.json'), output);
    assert.equal(gate.passed, false);
    assert.equal(gate.summary, 'no Trivy report: ENOENT: trivy.json');
    assert.deepEqual(
      gate.findings,
      Array.from({ length: 10 }, (_, i) => `line ${i + 6}`),
    );
    assert.equal(
      noReportGate('trivy failed (exit 1)', '', 'FATAL x').summary,
      'trivy failed (exit 1)',
    );
  });

  it('formats a failure with its summary and at most max findings', () => {
    const gate = { passed: false, summary: '3 bad', findings: ['a', 'b', 'c'] };
    assert.equal(
      formatGateFailure('trivy scan', gate),
      'trivy scan failed: 3 bad\n  - a\n  - b\n  - c',
    );
    assert.equal(
      formatGateFailure('trivy scan', gate, 2),
      'trivy scan failed: 3 bad\n  - a\n  - b\n  … and 1 more',
    );
  });
});
