import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deniedFindings, gateConftest, parseConftestReport } from '../src/conftest-report.js';
import { combineGates, formatGateFailure, noReportGate } from '../src/gate.js';
import {
  gateKubeconform,
  parseKubeconformReport,
  resourceFinding,
} from '../src/kubeconform-report.js';

const here = dirname(fileURLToPath(import.meta.url));
const fixture = (name: string): string => readFileSync(join(here, 'fixtures', name), 'utf8');

// The fixtures were recorded with kubeconform v0.8.0 and conftest v0.71.1 on manifests under
// manifests/ (see the README's "Fixtures"); both exited 1 on the failing runs, 0 otherwise.
const root = 'manifests';

describe('kube-policy: kubeconform report', () => {
  it('fails on every invalid resource and error, one precise line each', () => {
    const gate = gateKubeconform(parseKubeconformReport(fixture('kubeconform-invalid.json')), {
      exitCode: 1,
      root,
    });
    assert.equal(gate.passed, false);
    assert.equal(gate.summary, '2 invalid, 2 errors of 6 resources');
    assert.deepEqual(gate.findings, [
      "broken.yml: error unmarshalling resource: error converting YAML to JSON: yaml: line 1: did not find expected ',' or ']'",
      "nested/crd.yaml: ServiceMonitor web (monitoring.coreos.com/v1): /spec/endpoints/0: additional properties 'intervall' not allowed",
      'nested/crd.yaml: Widget w (example.com/v1): could not find schema for Widget',
      "nested/unknown-field.yaml: Deployment typo (apps/v1): /spec/template/spec/containers/0: additional properties 'imagePullPolice' not allowed; /spec: additional properties 'replica' not allowed",
    ]);
  });

  it('passes a clean report with its count of valid resources', () => {
    const report = parseKubeconformReport(fixture('kubeconform-valid.json'));
    assert.deepEqual(gateKubeconform(report, { exitCode: 0 }), {
      name: 'kubeconform',
      passed: true,
      summary: '2 resources valid',
      findings: [],
    });
  });

  it('does not pass when nothing was validated or the exit code disagrees', () => {
    const empty = parseKubeconformReport(fixture('kubeconform-empty.json'));
    const none = gateKubeconform(empty, { exitCode: 0 });
    assert.equal(none.passed, false);
    assert.equal(none.summary, 'no Kubernetes resource in the manifests');
    const valid = parseKubeconformReport(fixture('kubeconform-valid.json'));
    const crashed = gateKubeconform(valid, { exitCode: 2, output: 'panic: boom\n' });
    assert.equal(crashed.passed, false);
    assert.equal(crashed.summary, 'exit code 2 with no invalid resource in the report');
    assert.deepEqual(crashed.findings, ['panic: boom']);
  });

  it('rejects what is not a report', () => {
    assert.throws(() => parseKubeconformReport('flag provided but not defined: -x'), SyntaxError);
    assert.throws(() => parseKubeconformReport('[]'), /not a kubeconform report/);
    assert.throws(
      () => parseKubeconformReport('{"resources": [], "summary": {"valid": 1}}'),
      /summary\.invalid/,
    );
  });

  it('falls back to validationErrors, then to the message', () => {
    const base = { filename: 'a.yaml', kind: 'Pod', name: 'p', version: 'v1' };
    assert.equal(
      resourceFinding({
        ...base,
        status: 'statusInvalid',
        msg: 'schema problem',
        validationErrors: [{ path: '/spec/x', msg: 'got string, want integer' }],
      }),
      'a.yaml: Pod p (v1): /spec/x: got string, want integer',
    );
    assert.equal(
      resourceFinding({ ...base, status: 'statusInvalid', msg: 'odd message' }),
      'a.yaml: Pod p (v1): odd message',
    );
  });
});

describe('kube-policy: conftest report', () => {
  it('fails once per denied rule and file, naming every namespace that denied it', () => {
    const results = parseConftestReport(fixture('conftest-denied.json'));
    const gate = gateConftest(results, { exitCode: 1, root });
    assert.equal(gate.passed, false);
    assert.equal(gate.summary, '1 denied, 5 passed tests, 2 warnings');
    assert.deepEqual(gate.findings, [
      'nested/unknown-field.yaml: Deployment/typo: container web has no resources.limits (kube.limits, main)',
    ]);
  });

  it('passes with warnings, which never fail', () => {
    const gate = gateConftest(parseConftestReport(fixture('conftest-passed.json')), {
      exitCode: 0,
    });
    assert.deepEqual(gate, {
      name: 'conftest',
      passed: true,
      summary: '1 file: 5 passed tests, 1 warning',
      findings: [],
    });
  });

  it('does not pass when nothing was tested or the exit code disagrees', () => {
    assert.equal(gateConftest([], { exitCode: 0 }).summary, 'conftest tested no file');
    const results = parseConftestReport(fixture('conftest-passed.json'));
    const gate = gateConftest(results, { exitCode: 1, output: 'Error: something\n' });
    assert.equal(gate.passed, false);
    assert.deepEqual(gate.findings, ['Error: something']);
  });

  it('turns an unparsable manifest (no JSON, an error) into a failure naming it', () => {
    const log = fixture('conftest-unparsable.txt');
    let gate;
    try {
      gate = gateConftest(parseConftestReport(''), { exitCode: 1, output: log });
    } catch (error) {
      gate = noReportGate('conftest', 'no conftest report (exit code 1)', error, log);
    }
    assert.equal(gate.passed, false);
    assert.match(gate.summary, /^no conftest report \(exit code 1\): Unexpected end of JSON input/);
    assert.match(gate.findings[0] ?? '', /path: manifests\/broken\.yml/);
  });

  it('rejects what is not a report', () => {
    assert.throws(() => parseConftestReport('{}'), /not a list/);
    assert.throws(() => parseConftestReport('[{"filename": "a"}]'), /has no namespace/);
    assert.throws(
      () => parseConftestReport('[{"namespace": "main", "failures": "x"}]'),
      /not a list/,
    );
  });

  it('keeps the file name when it is not under the root (stdin: empty)', () => {
    const results = [
      { filename: '', namespace: 'main', successes: 0, warnings: [], failures: [{ msg: 'no' }] },
    ];
    assert.deepEqual(deniedFindings(results, root), ['no (main)']);
  });
});

describe('kube-policy: combined verdict', () => {
  it('passes when both pass, and names each failed tool with its findings', () => {
    const ok = { name: 'kubeconform', passed: true, summary: '2 resources valid', findings: [] };
    const denied = { name: 'conftest', passed: false, summary: '1 denied', findings: ['a: no'] };
    assert.equal(combineGates('kube-policy', [ok, { ...denied, passed: true }]).passed, true);
    const gate = combineGates('kube-policy', [ok, denied]);
    assert.equal(
      formatGateFailure(gate),
      'kube-policy gate failed: failed: conftest\n  - conftest (1 denied)\n  - a: no',
    );
  });
});
