import type { Service } from '@dagger.io/dagger';
import type { Pipeline, StageResult } from './context.js';
import { backendService } from './stack.js';
import { stageResult, toolchains } from './toolchains.js';

/** aichat's k6 scenario, in the directory the k6 module mounts (dagger/config). */
const SCENARIO = 'k6-aichat.js';

/**
 * k6 by the k6 module (dagger/k6) running dagger/config/k6-aichat.js: HTTP and WebSocket chat
 * scenarios with thresholds on p95 latency, error rate and time to first token, against `target`,
 * by default the ephemeral stack. Reports: summary.json, k6's HTML dashboard (report.html) and
 * its log; the gate fails on any crossed threshold.
 */
export function loadStage(
  p: Pipeline,
  vus: number,
  duration: string,
  target?: Service,
): Promise<StageResult> {
  const scripts = p.source.directory('dagger/config');
  const result = toolchains.k6({ image: p.images.k6 }).run(scripts, SCENARIO, {
    target: target ?? backendService(p),
    targetHost: 'aichat',
    env: ['BASE_URL=http://aichat:8080', `VUS=${vus}`, `DURATION=${duration}`],
  });
  return stageResult('load-test', result);
}
