import type { Pipeline, StageResult } from './context.js';
import { frontendService } from './stack.js';
import { stageResult, toolchains } from './toolchains.js';

/** aichat's ZAP rules: which alerts fail the gate (IGNORE/WARN/FAIL per rule id). */
export const ZAP_RULES = 'dagger/config/zap-rules.tsv';

/**
 * OWASP ZAP baseline (passive) scan of the running stack by the ZAP module (dagger/zap): the
 * nginx frontend with the backend, PostgreSQL and Redis behind it, all ephemeral. The gate reads
 * ZAP's JSON report with aichat's rules.
 */
export function zapStage(p: Pipeline): Promise<StageResult> {
  const result = toolchains
    .owaspZap({ image: p.images.zap })
    .baseline(frontendService(p), { port: 8080, rules: p.source.file(ZAP_RULES) });
  return stageResult('zap', result);
}
