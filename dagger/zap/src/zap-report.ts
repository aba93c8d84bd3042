import type { GateResult } from './gate.js';

/** What a rules file says to do with an alert (zap-baseline's `-c` format). */
export type ZapAction = 'FAIL' | 'WARN' | 'INFO' | 'IGNORE';

const ACTIONS: readonly string[] = ['FAIL', 'WARN', 'INFO', 'IGNORE'];

/** One alert of a ZAP JSON report (`zap-baseline.py -J`). */
export interface ZapAlert {
  pluginId: string;
  name: string;
  /** 0 informational, 1 low, 2 medium, 3 high. */
  risk: number;
  instances: number;
  site: string;
}

interface RawZap {
  '@programName'?: string;
  site?: {
    '@name'?: string;
    alerts?: {
      pluginid?: string;
      alert?: string;
      name?: string;
      riskcode?: string;
      count?: string;
      instances?: unknown[];
    }[];
  }[];
}

/** Parses a ZAP JSON report (the traditional JSON format of zap-baseline.py's `-J`). */
export function parseZapJson(json: string): ZapAlert[] {
  const raw = JSON.parse(json) as RawZap;
  if (!Array.isArray(raw.site)) throw new Error('not a ZAP JSON report (no "site" list)');
  const alerts: ZapAlert[] = [];
  for (const site of raw.site) {
    for (const a of site.alerts ?? []) {
      alerts.push({
        pluginId: a.pluginid ?? '',
        name: a.alert ?? a.name ?? '',
        risk: Number.parseInt(a.riskcode ?? '0', 10),
        instances: a.instances?.length ?? Number.parseInt(a.count ?? '0', 10),
        site: site['@name'] ?? '',
      });
    }
  }
  return alerts;
}

/**
 * Parses a zap-baseline rules file: `<plugin id>\t<FAIL|WARN|INFO|IGNORE>\t(<name>)` per line,
 * `#` comments allowed. `OUTOFSCOPE` lines (a URL regex, applied by ZAP itself) are skipped.
 * Anything else throws, so that a typo cannot silently turn a FAIL into the default.
 */
export function parseZapRules(tsv: string): Map<string, ZapAction> {
  const rules = new Map<string, ZapAction>();
  for (const line of tsv.split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const [id, action] = trimmed.split('\t');
    if (action === 'OUTOFSCOPE') continue;
    if (!id || action === undefined || !ACTIONS.includes(action)) {
      throw new Error(`bad ZAP rule line: ${line}`);
    }
    rules.set(id, action as ZapAction);
  }
  return rules;
}

/**
 * Fails on FAIL-level alerts: those the rules file marks FAIL, plus unlisted alerts whose risk is
 * at least `failRisk` (3 = high), so a new high-risk finding fails even before it gets a rule.
 */
export function gateZap(
  alerts: ZapAlert[],
  rules: Map<string, ZapAction>,
  failRisk = 3,
): GateResult {
  const level = (a: ZapAlert): ZapAction =>
    rules.get(a.pluginId) ?? (a.risk >= failRisk ? 'FAIL' : 'WARN');
  const failing = alerts.filter((a) => level(a) === 'FAIL');
  const warnings = alerts.filter((a) => level(a) === 'WARN');
  return {
    name: 'zap',
    passed: failing.length === 0,
    summary: `${failing.length} FAIL, ${warnings.length} WARN alert(s)`,
    findings: failing.map(
      (a) => `[${a.pluginId}] ${a.name} (${a.instances} instance(s), ${a.site})`,
    ),
  };
}
