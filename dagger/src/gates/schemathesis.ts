import { XMLParser } from 'fast-xml-parser';
import type { GateResult } from './gate.js';

/** One failing operation of a schemathesis run, classified by what went wrong. */
export interface FuzzFailure {
  operation: string;
  kind: 'server-error' | 'schema-violation' | 'other';
  message: string;
}

interface RawCase {
  '@_name'?: string;
  failure?: RawIssue | RawIssue[];
  error?: RawIssue | RawIssue[];
}
type RawIssue = string | { '@_message'?: string; '#text'?: string };

const asArray = <T>(v: T | T[] | undefined): T[] =>
  v === undefined ? [] : Array.isArray(v) ? v : [v];

const issueText = (issue: RawIssue): string =>
  typeof issue === 'string' ? issue : `${issue['@_message'] ?? ''}\n${issue['#text'] ?? ''}`;

function classify(text: string): FuzzFailure['kind'] {
  // Wording of schemathesis 4's check failures (not_a_server_error, response_schema_conformance).
  if (/server error|\b5\d\d\b.*internal|not_a_server_error/i.test(text)) return 'server-error';
  if (/response violates schema|schema violation|response_schema_conformance/i.test(text)) {
    return 'schema-violation';
  }
  return 'other';
}

/**
 * Parses the JUnit XML that `schemathesis run --report junit` writes: one test case per API
 * operation, with a `<failure>` per failed check and `<error>` for operations it could not test.
 */
export function parseSchemathesisJunit(xml: string): {
  operations: number;
  failures: FuzzFailure[];
} {
  const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_' });
  const doc = parser.parse(xml) as {
    testsuites?: {
      testsuite?: { testcase?: RawCase | RawCase[] } | { testcase?: RawCase | RawCase[] }[];
    };
    testsuite?: { testcase?: RawCase | RawCase[] };
  };
  const suites = doc.testsuites ? asArray(doc.testsuites.testsuite) : asArray(doc.testsuite);
  if (suites.length === 0) throw new Error('not a JUnit report (no <testsuite>)');
  const cases = suites.flatMap((s) => asArray(s.testcase));
  const failures: FuzzFailure[] = [];
  for (const c of cases) {
    const operation = c['@_name'] ?? '?';
    for (const issue of [...asArray(c.failure), ...asArray(c.error)]) {
      const text = issueText(issue).trim();
      failures.push({ operation, kind: classify(text), message: text.split('\n')[0] ?? '' });
    }
  }
  return { operations: cases.length, failures };
}

/** Fails on any 5xx response or schema violation; other findings are reported but tolerated. */
export function gateSchemathesis(run: { operations: number; failures: FuzzFailure[] }): GateResult {
  const blocking = run.failures.filter((f) => f.kind !== 'other');
  const count = (kind: FuzzFailure['kind']): number =>
    run.failures.filter((f) => f.kind === kind).length;
  if (run.operations === 0) {
    return {
      name: 'fuzz-api',
      passed: false,
      summary: 'no API operation was tested',
      findings: [],
    };
  }
  return {
    name: 'fuzz-api',
    passed: blocking.length === 0,
    summary:
      `${run.operations} operations: ${count('server-error')} server error(s), ` +
      `${count('schema-violation')} schema violation(s), ${count('other')} other finding(s)`,
    findings: blocking.map((f) => `${f.kind} ${f.operation}: ${f.message}`),
  };
}
