import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkEntry, checkHost, parseEnv } from '../src/flags.js';
import { formatGateFailure, noReportGate } from '../src/gate.js';
import { gateK6, k6Figures, k6Thresholds } from '../src/k6-summary.js';

const here = dirname(fileURLToPath(import.meta.url));
const fixture = (name: string): string => readFileSync(join(here, 'fixtures', name), 'utf8');

describe('k6 module: summary', () => {
  it('passes when every threshold held and reports the headline figures', () => {
    const json = fixture('k6-summary-pass.json');
    const gate = gateK6(json);
    assert.equal(gate.passed, true);
    assert.equal(
      gate.summary,
      '5/5 thresholds held; http p95 11.4 ms, errors 0.00%, 1830 requests',
    );
    assert.deepEqual(k6Figures(json), {
      httpP95Ms: 11.4,
      httpFailedRate: 0,
      requests: 1830,
      iterations: 822,
    });
  });

  it('fails naming each crossed threshold with its observed value', () => {
    const gate = gateK6(fixture('k6-summary-fail.json'));
    assert.equal(gate.passed, false);
    assert.deepEqual(gate.findings, [
      'http_req_duration: p(95)<500 crossed (p(95) = 812.7)',
      'http_req_failed: rate<0.01 crossed (rate = 0.031)',
      'chat_time_to_first_token: p(95)<1000 crossed (p(95) = 1480)',
      'checks: rate>0.99 crossed (rate = 0.97)',
    ]);
    assert.match(gate.summary, /^0\/4 thresholds held; http p95 812\.7 ms, errors 3\.12%/);
  });

  it('reads a real k6 1.7.1 handleSummary summary (HTTP and WebSocket scenarios)', () => {
    const json = fixture('k6-1.7.1-handle-summary.json');
    const gate = gateK6(json);
    assert.equal(gate.passed, true);
    assert.equal(
      gate.summary,
      '5/5 thresholds held; http p95 16.8 ms, errors 0.00%, 15377 requests',
    );
  });

  it('reads a real k6 1.8.1 --summary-export (thresholds as "crossed" booleans)', () => {
    // Recorded: 20 GETs against python -m http.server; `max<1` (ms) cannot hold.
    const json = fixture('k6-1.8.1-summary-export-fail.json');
    assert.deepEqual(
      k6Thresholds(json)
        .map((t) => `${t.metric} ${t.expression} ${t.ok}`)
        .sort(),
      [
        'checks rate>0.99 true',
        'http_req_duration max<1 false',
        'http_req_duration p(95)<2000 true',
        'http_req_failed rate<0.01 true',
      ],
    );
    const figures = k6Figures(json);
    assert.equal(figures.httpFailedRate, 0);
    assert.equal(figures.requests, 20);
    const gate = gateK6(json);
    assert.equal(gate.passed, false);
    assert.deepEqual(gate.findings, ['http_req_duration: max<1 crossed (max = 5.358)']);
    assert.match(
      gate.summary,
      /^3\/4 thresholds held; http p95 4\.2 ms, errors 0\.00%, 20 requests$/,
    );
  });

  it('leaves the HTTP figures out when the script made no HTTP request', () => {
    // A script with only a Trend of its own, as `dagger call run … summary` showed on the engine.
    const json = JSON.stringify({
      metrics: {
        work_ms: {
          avg: 3,
          max: 5,
          'p(95)': 4.8,
          thresholds: { 'p(95)<100': false, 'max<0': true },
        },
        iterations: { count: 5, rate: 1000 },
      },
    });
    const gate = gateK6(json);
    assert.equal(gate.summary, '1/2 thresholds held');
    assert.deepEqual(gate.findings, ['work_ms: max<0 crossed (max = 5)']);
  });

  it('fails a summary without thresholds, and rejects non-summaries', () => {
    const gate = gateK6('{"metrics":{"http_reqs":{"values":{"count":1}}}}');
    assert.equal(gate.passed, false);
    assert.equal(gate.summary, 'no thresholds in summary');
    assert.throws(() => gateK6('{}'), /not a k6 summary/);
    assert.throws(() => gateK6(''), SyntaxError);
  });

  it('a missing summary fails with the reason and the tail of k6’s output', () => {
    const gate = noReportGate(
      'k6',
      'no k6 summary (k6 exit code 107)',
      new Error('ENOENT'),
      'x\ny',
    );
    assert.equal(
      formatGateFailure(gate),
      'k6 gate failed: no k6 summary (k6 exit code 107): ENOENT\n  - x\n  - y',
    );
  });
});

describe('k6 module: arguments', () => {
  it('splits KEY=VALUE pairs and rejects malformed ones', () => {
    assert.deepEqual(parseEnv(['BASE_URL=http://target:8080/?a=b', 'EMPTY=', 'K6_VUS=2']), [
      ['BASE_URL', 'http://target:8080/?a=b'],
      ['EMPTY', ''],
      ['K6_VUS', '2'],
    ]);
    assert.throws(() => parseEnv(['BASE_URL']), /KEY=VALUE, not "BASE_URL"/);
    assert.throws(() => parseEnv(['1X=2']), /KEY=VALUE/);
    assert.throws(() => parseEnv(['A B=2']), /KEY=VALUE/);
  });

  it('keeps the entry inside the script directory and the host a DNS label', () => {
    assert.equal(checkEntry('load/smoke.js'), 'load/smoke.js');
    for (const bad of ['', '/etc/passwd', '../x.js', 'a/../../x.js', 'a//b.js']) {
      assert.throws(() => checkEntry(bad), /entry must be a relative path/);
    }
    assert.equal(checkHost('api-1'), 'api-1');
    assert.throws(() => checkHost('http://api'), /targetHost must be a host name/);
  });
});
