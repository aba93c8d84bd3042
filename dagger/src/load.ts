import { dag, type Service } from '@dagger.io/dagger';
import type { Pipeline, StageResult } from './context.js';
import { gateK6 } from './gates/k6.js';
import { runGate } from './gates/run.js';
import { backendService } from './stack.js';

/**
 * k6 (dagger/k6/aichat.js: HTTP and WebSocket chat scenarios with thresholds on p95 latency,
 * error rate and time to first token) against `target`, by default the ephemeral stack. Reports:
 * summary.json and k6's HTML dashboard (report.html). k6 exits 99 when a threshold fails; the run
 * is allowed to fail so the reports survive, and the gate reads summary.json.
 */
export async function loadStage(
  p: Pipeline,
  vus: number,
  duration: string,
  target?: Service,
): Promise<StageResult> {
  const container = dag
    .container()
    .from(p.images.k6)
    .withEntrypoint([])
    .withServiceBinding('aichat', target ?? backendService(p))
    .withDirectory('/scripts', p.source.directory('dagger/k6'))
    .withEnvVariable('BASE_URL', 'http://aichat:8080')
    .withEnvVariable('VUS', String(vus))
    .withEnvVariable('DURATION', duration)
    .withEnvVariable('OUT_DIR', '/tmp/out')
    .withEnvVariable('K6_WEB_DASHBOARD', 'true')
    .withEnvVariable('K6_WEB_DASHBOARD_EXPORT', '/tmp/out/report.html')
    .withEnvVariable('K6_NO_USAGE_REPORT', 'true');
  return runGate(container, 'mkdir -p /tmp/out && k6 run --quiet /scripts/aichat.js', {
    name: 'load-test',
    judge: async (run) => gateK6(await run.file('/tmp/out/summary.json').contents()),
    missing: (exitCode) => `k6 exit ${exitCode}`,
    reports: '/tmp/out',
    log: 'k6.log',
  });
}
