/**
 * Engine tests of the k6 module: a short load test of a static HTTP server built here, once with
 * thresholds that hold (must pass) and once with one that cannot (must fail naming it).
 */
import { check, dag, type Directory, func, object, type Service } from '@dagger.io/dagger';
import { k6, type K6Result } from './k6.js';

/**
 * 2 VUs for 3 s, a GET every 50 ms each. The duration threshold comes from $DURATION_THRESHOLD;
 * handleSummary writes to $OUT_DIR, which the module returns (the convention scripts rely on).
 */
const SCRIPT = `import http from 'k6/http';
import { check, sleep } from 'k6';

export const options = {
  vus: 2,
  duration: '3s',
  thresholds: {
    http_req_failed: ['rate<0.01'],
    checks: ['rate>0.99'],
    http_req_duration: [__ENV.DURATION_THRESHOLD],
  },
};

export default function () {
  check(http.get(__ENV.BASE_URL + '/'), { 'status 200': (r) => r.status === 200 });
  sleep(0.05);
}

export function handleSummary(data) {
  return {
    [__ENV.OUT_DIR + '/script-summary.json']: JSON.stringify(data),
    stdout: 'handleSummary ran\\n',
  };
}
`;

/** The verdict of one run: passed, and summary plus findings as one text. */
async function verdict(result: K6Result): Promise<{ passed: boolean; text: string }> {
  const [passed, summary, findings] = await Promise.all([
    result.passed(),
    result.summary(),
    result.findings(),
  ]);
  return { passed, text: [summary, ...findings].join('\n') };
}

@object()
export class K6Tests {
  pythonImage: string;

  /** @param pythonImage A Python 3 image (serves the static site under test). */
  constructor(
    pythonImage = 'docker.io/library/python:3.12-slim-bookworm@sha256:782412e85d0f0984994c290652577d4018aff08145c85b262bb63dc0c7522254',
  ) {
    this.pythonImage = pythonImage;
  }

  /** A static site on port 8080 (Python's http.server). */
  @func()
  site(): Service {
    return dag
      .container()
      .from(this.pythonImage)
      .withNewFile('/srv/index.html', '<!doctype html><title>k6 test</title><p>ok</p>\n')
      .withWorkdir('/srv')
      .withExposedPort(8080)
      .asService({ args: ['python', '-m', 'http.server', '8080'] });
  }

  /** The script directory: the load test in a subdirectory (entry paths are relative). */
  @func()
  scripts(): Directory {
    return dag.directory().withNewFile('load/smoke.js', SCRIPT);
  }

  /** Thresholds that hold pass; the reports hold the module's files and the script's own. */
  @func()
  @check()
  async passesWhenThresholdsHold(): Promise<void> {
    const result = k6().run(this.scripts(), 'load/smoke.js', {
      target: this.site(),
      targetHost: 'web',
      // A 1 s dashboard period: k6 skips report.html for runs shorter than a few periods.
      env: [
        'BASE_URL=http://web:8080',
        'DURATION_THRESHOLD=p(95)<10000',
        'K6_WEB_DASHBOARD_PERIOD=1s',
      ],
    });
    const { passed, text } = await verdict(result);
    if (!passed) throw new Error(`expected a pass, got: ${text}`);
    const files = await result.reports().entries();
    for (const name of ['summary-export.json', 'report.html', 'k6.log', 'script-summary.json']) {
      if (!files.includes(name)) throw new Error(`reports lack ${name}: ${files.join(', ')}`);
    }
  }

  /** A script k6 cannot run leaves no summary: a failed result naming k6's exit code. */
  @func()
  @check()
  async failsWithoutSummary(): Promise<void> {
    const scripts = dag.directory().withNewFile('broken.js', 'export default function ( {\n');
    const { passed, text } = await verdict(k6().run(scripts, 'broken.js'));
    if (passed) throw new Error(`expected a failure, it passed: ${text}`);
    if (!/^no k6 summary \(k6 exit code \d+\)/.test(text)) {
      throw new Error(`expected "no k6 summary (k6 exit code …)", got: ${text}`);
    }
  }

  /** A threshold that cannot hold (no request takes less than 0 ms) fails, named. */
  @func()
  @check()
  async failsOnCrossedThreshold(): Promise<void> {
    const { passed, text } = await verdict(
      k6().run(this.scripts(), 'load/smoke.js', {
        target: this.site(),
        env: ['BASE_URL=http://target:8080', 'DURATION_THRESHOLD=max<0'],
      }),
    );
    if (passed) throw new Error(`expected a failure, it passed: ${text}`);
    if (!text.includes('http_req_duration: max<0 crossed')) {
      throw new Error(`expected the crossed threshold http_req_duration max<0, got: ${text}`);
    }
  }
}
