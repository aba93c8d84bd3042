import { XMLParser } from 'fast-xml-parser';
import type { GateResult } from './gate.js';

/** One test case of a JUnit XML report and what went wrong with it, if anything. */
export interface JunitCase {
  /** `classname` (mocha: the suite titles) and `name` (the test title), as written. */
  suite: string;
  name: string;
  /** Text of each `<failure>` and `<error>`: the message attribute, then the body. */
  problems: string[];
  skipped: boolean;
}

interface RawProblem {
  '@_message'?: string;
  '#text'?: string;
}
interface RawCase {
  '@_name'?: string;
  '@_classname'?: string;
  failure?: RawProblem | string | (RawProblem | string)[];
  error?: RawProblem | string | (RawProblem | string)[];
  skipped?: unknown;
}
interface RawSuite {
  testcase?: RawCase | RawCase[];
}

const asArray = <T>(v: T | T[] | undefined): T[] =>
  v === undefined ? [] : Array.isArray(v) ? v : [v];

const problemText = (p: RawProblem | string): string =>
  typeof p === 'string' ? p : [p['@_message'], p['#text']].filter(Boolean).join('\n');

/**
 * Parses JUnit XML as mocha's xunit reporter and schemathesis write it: a `<testsuite>` root or
 * `<testsuites>` around several. Throws on anything else so a missing report is never "0 failed".
 */
export function parseJunit(xml: string): JunitCase[] {
  // htmlEntities: mocha escapes quotes and brackets as numeric references (&#x22;).
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    htmlEntities: true,
  });
  const doc = parser.parse(xml) as {
    testsuites?: { testsuite?: RawSuite | RawSuite[] };
    testsuite?: RawSuite | RawSuite[];
  };
  const suites = doc.testsuites ? asArray(doc.testsuites.testsuite) : asArray(doc.testsuite);
  if (suites.length === 0) throw new Error('not a JUnit report (no <testsuite>)');
  return suites.flatMap((s) =>
    asArray(s.testcase).map((c) => ({
      suite: c['@_classname'] ?? '',
      name: c['@_name'] ?? '?',
      problems: [...asArray(c.failure), ...asArray(c.error)].map((p) => problemText(p).trim()),
      skipped: c.skipped !== undefined,
    })),
  );
}

/** One line per failed test case: `suite › test: first line of the first problem`. */
export function junitFailureLines(cases: JunitCase[]): string[] {
  return cases
    .filter((c) => c.problems.length > 0)
    .map((c) => {
      const title = c.suite === '' ? c.name : `${c.suite} › ${c.name}`;
      return `${title}: ${(c.problems[0] ?? '').split('\n')[0] ?? ''}`;
    });
}

/** The parsed report, or null when there is none or it is not JUnit. */
function readableJunit(xml: string | null): JunitCase[] | null {
  if (xml === null) return null;
  try {
    return parseJunit(xml);
  } catch {
    return null;
  }
}

/**
 * Gate of a test run: its exit code is the verdict (mocha exits non-zero on failures and on
 * crashes alike); the findings name the failed tests from the JUnit report, or show the output's
 * tail when there is no readable report (the run crashed before writing one).
 */
export function testRunGate(
  name: string,
  exitCode: number,
  junitXml: string | null,
  output: string,
): GateResult {
  const cases = readableJunit(junitXml);
  const counts =
    cases === null
      ? 'no JUnit report'
      : `${cases.length} tests, ${cases.filter((c) => c.problems.length > 0).length} failed, ` +
        `${cases.filter((c) => c.skipped).length} skipped`;
  if (exitCode === 0) return { name, passed: true, summary: counts, findings: [] };
  const failures = cases === null ? [] : junitFailureLines(cases);
  const findings = failures.length > 0 ? failures : output.trim().split('\n').slice(-15);
  return { name, passed: false, summary: `exit code ${exitCode}; ${counts}`, findings };
}
