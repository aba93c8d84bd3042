import { dag } from '@dagger.io/dagger';
import type { Pipeline, StageResult } from './context.js';
import { runGate } from './gates/run.js';
import { gateZap, parseZapJson, parseZapRules } from './gates/zap.js';
import { frontendService } from './stack.js';

/** ZAP's working directory inside its image (reports and rules live here). */
const WRK = '/zap/wrk';

/**
 * OWASP ZAP baseline (passive) scan of the running stack: the nginx frontend with the backend,
 * PostgreSQL and Redis behind it, all ephemeral. ZAP's own exit code is ignored (`-I`); the gate
 * is computed from report.json and dagger/zap/rules.tsv.
 */
export async function zapStage(p: Pipeline): Promise<StageResult> {
  const rulesText = await p.source.file('dagger/zap/rules.tsv').contents();
  const container = dag
    .container()
    .from(p.images.zap)
    .withEntrypoint([])
    .withServiceBinding('web', frontendService(p))
    .withDirectory(WRK, dag.directory().withNewFile('rules.tsv', rulesText), { owner: 'zap' })
    .withWorkdir(WRK)
    .withUser('zap');
  return runGate(
    container,
    'zap-baseline.py -t http://web:8080 -c rules.tsv -J report.json -r report.html -I -m 2',
    {
      name: 'zap',
      judge: async (run) => {
        const json = await run.file(`${WRK}/report.json`).contents();
        return gateZap(parseZapJson(json), parseZapRules(rulesText));
      },
      missing: 'no ZAP report',
      reports: WRK,
      log: 'zap.log',
    },
  );
}
