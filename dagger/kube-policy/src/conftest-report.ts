/** conftest's `--output json` report and its verdict: pure, unit tested on recorded reports. */
import type { GateResult } from './gate.js';
import { outputTail } from './gate.js';

/** One rule result: the message a `deny`/`violation`/`warn` rule returned. */
export interface ConftestRuleResult {
  msg: string;
}

/** conftest's result for one file under one Rego namespace. */
export interface ConftestFileResult {
  filename: string;
  namespace: string;
  successes: number;
  warnings: ConftestRuleResult[];
  failures: ConftestRuleResult[];
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function rules(v: unknown): ConftestRuleResult[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new Error('not a conftest report (rule results are not a list)');
  return v.filter(isRecord).map((r) => ({ msg: typeof r.msg === 'string' ? r.msg : '' }));
}

/** Parses conftest's JSON report; throws when `json` is not one (e.g. an error message). */
export function parseConftestReport(json: string): ConftestFileResult[] {
  const data: unknown = JSON.parse(json);
  if (!Array.isArray(data)) throw new Error('not a conftest report (not a list of results)');
  return data.map((entry, i): ConftestFileResult => {
    if (!isRecord(entry) || typeof entry.namespace !== 'string') {
      throw new Error(`not a conftest report (result ${i} has no namespace)`);
    }
    return {
      filename: typeof entry.filename === 'string' ? entry.filename : '',
      namespace: entry.namespace,
      successes: typeof entry.successes === 'number' ? entry.successes : 0,
      warnings: rules(entry.warnings),
      failures: rules(entry.failures),
    };
  });
}

/**
 * One line per denied rule: `<file>: <message> (<namespace>, …)`. The same message from the same
 * file under several namespaces (e.g. `main` importing a package that `--all-namespaces` also
 * runs on its own) is one finding naming every namespace.
 */
export function deniedFindings(results: ConftestFileResult[], root = ''): string[] {
  const byFinding = new Map<string, string[]>();
  for (const r of results) {
    const file =
      root !== '' && r.filename.startsWith(`${root}/`)
        ? r.filename.slice(root.length + 1)
        : r.filename;
    for (const f of r.failures) {
      const key = `${file === '' ? '' : `${file}: `}${f.msg}`;
      const namespaces = byFinding.get(key) ?? [];
      if (!namespaces.includes(r.namespace)) namespaces.push(r.namespace);
      byFinding.set(key, namespaces);
    }
  }
  return [...byFinding].map(([finding, namespaces]) => `${finding} (${namespaces.join(', ')})`);
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * The verdict over the report: it passes when no rule denied anything, conftest exited 0 and it
 * tested at least one file. Warnings are counted but never fail. `root` is stripped from file
 * names; `output` (stderr) explains an exit code the report does not.
 */
export function gateConftest(
  results: ConftestFileResult[],
  o: { exitCode: number; root?: string; output?: string },
): GateResult {
  const name = 'conftest';
  const findings = deniedFindings(results, o.root ?? '');
  const passedRules = results.reduce((n, r) => n + r.successes, 0);
  const warnings = results.reduce((n, r) => n + r.warnings.length, 0);
  const files = new Set(results.map((r) => r.filename)).size;
  const tail = `${plural(passedRules, 'passed test')}, ${plural(warnings, 'warning')}`;
  if (findings.length > 0) {
    return { name, passed: false, summary: `${findings.length} denied, ${tail}`, findings };
  }
  if (o.exitCode !== 0) {
    return {
      name,
      passed: false,
      summary: `exit code ${o.exitCode} with no denied rule in the report`,
      findings: outputTail(o.output ?? '', 10),
    };
  }
  if (files === 0) {
    return { name, passed: false, summary: 'conftest tested no file', findings: [] };
  }
  return { name, passed: true, summary: `${plural(files, 'file')}: ${tail}`, findings: [] };
}
