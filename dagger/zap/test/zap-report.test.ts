import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatGateFailure, noReportGate } from '../src/gate.js';
import { gateZap, parseZapJson, parseZapRules } from '../src/zap-report.js';

const here = dirname(fileURLToPath(import.meta.url));
const fixture = (name: string): string => readFileSync(join(here, 'fixtures', name), 'utf8');

describe('zap module: report and rules', () => {
  const rules = parseZapRules(fixture('rules.tsv'));

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
    assert.match(gate.findings[1] ?? '', /^\[40012\] .* \(1 instance\(s\), http:\/\/web:8080\)$/);
  });

  it('without a rules file, fails only on high risk', () => {
    const gate = gateZap(parseZapJson(fixture('zap-report.json')), parseZapRules(''));
    assert.equal(gate.passed, false);
    assert.deepEqual(
      gate.findings.map((f) => f.slice(0, 7)),
      ['[40012]'],
    );
    assert.equal(gate.summary, '1 FAIL, 3 WARN alert(s)');
  });

  it('passes when only warnings remain, and when a rule downgrades the high-risk alert', () => {
    const alerts = parseZapJson(fixture('zap-report.json'));
    assert.equal(
      gateZap(
        alerts.filter((a) => a.pluginId === '10063'),
        rules,
      ).passed,
      true,
    );
    const lenient = parseZapRules('10038\tWARN\t(CSP)\n40012\tINFO\t(XSS)\n');
    assert.equal(gateZap(alerts, lenient).passed, true);
  });

  it('skips OUTOFSCOPE lines and rejects malformed rules and reports', () => {
    assert.equal(parseZapRules('*\tOUTOFSCOPE\thttp://target:8080/static/.*').size, 0);
    assert.throws(() => parseZapRules('10038\tBLOCK\t(x)'), /bad ZAP rule line: 10038\tBLOCK/);
    assert.throws(() => parseZapRules('10038 FAIL (spaces, not tabs)'), /bad ZAP rule line/);
    assert.throws(() => parseZapJson('{"alerts":[]}'), /not a ZAP JSON report/);
    assert.throws(() => parseZapJson('<html>'), SyntaxError);
  });

  it('a missing report fails with the reason and the tail of ZAP’s output', () => {
    const log = `${Array.from({ length: 12 }, (_, i) => `line ${i + 1}`).join('\n')}\n`;
    const gate = noReportGate('zap', 'no ZAP report', new Error('ENOENT report.json'), log);
    assert.equal(gate.passed, false);
    assert.equal(gate.summary, 'no ZAP report: ENOENT report.json');
    assert.deepEqual(
      gate.findings,
      [3, 4, 5, 6, 7, 8, 9, 10, 11, 12].map((n) => `line ${n}`),
    );
    assert.equal(
      formatGateFailure({ ...gate, findings: ['a', 'b', 'c'] }, 2),
      'zap gate failed: no ZAP report: ENOENT report.json\n  - a\n  - b\n  … and 1 more',
    );
  });
});
