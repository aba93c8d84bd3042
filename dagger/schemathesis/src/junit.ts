import { XMLParser } from 'fast-xml-parser';

/** One test case of a JUnit XML report and what went wrong with it, if anything. */
export interface JunitCase {
  /** `classname` and `name` (schemathesis: the operation, e.g. `GET /items`), as written. */
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
 * Parses JUnit XML as schemathesis writes it: a `<testsuite>` root or
 * `<testsuites>` around several. Throws on anything else so a missing report is never "0 failed".
 */
export function parseJunit(xml: string): JunitCase[] {
  // htmlEntities: JUnit writers escape quotes and brackets as numeric references (&#x22;).
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
