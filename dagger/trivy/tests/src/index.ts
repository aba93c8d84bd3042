/**
 * Engine tests of the trivy module: each check builds a small target, scans it offline (secret and
 * misconfiguration scanners: no database download) and throws unless the verdict is the expected
 * one, for the expected reason.
 */
import { check, dag, type Container, func, object } from '@dagger.io/dagger';
import { trivy, type TrivyResult } from './trivy.js';

/**
 * An AWS access key id Trivy's `aws-access-key-id` rule detects (not AWS's documented example
 * key, which Trivy allows). Assembled at run time so that this file holds no such literal.
 */
const AWS_KEY_ID = ['AK', 'IA', 'Q3ZT7XW2LMNB5VRP'].join('');
const CREDENTIALS = `[default]\naws_access_key_id = ${AWS_KEY_ID}\nregion = eu-west-1\n`;

/** A Dockerfile that runs as a non-root user and has a healthcheck: no HIGH misconfiguration. */
const GOOD_DOCKERFILE = [
  'FROM docker.io/library/debian:bookworm-slim',
  'RUN useradd --system --uid 10001 app',
  'USER 10001',
  'HEALTHCHECK CMD ["true"]',
  'CMD ["sleep", "infinity"]',
  '',
].join('\n');
/** The same without USER: it runs as root (Trivy's DS-0002, HIGH). */
const ROOT_DOCKERFILE = [
  'FROM docker.io/library/debian:bookworm-slim',
  'HEALTHCHECK CMD ["true"]',
  'CMD ["sleep", "infinity"]',
  '',
].join('\n');

/** Offline scans: secrets and misconfigurations need no database download. */
const OFFLINE = { offline: true };

/**
 * Throws unless `result` has the expected verdict and, when it failed, names every `expected`
 * string in its findings.
 */
async function expectVerdict(
  what: string,
  result: TrivyResult,
  passed: boolean,
  expected: string[] = [],
): Promise<void> {
  const [actual, summary, findings] = await Promise.all([
    result.passed(),
    result.summary(),
    result.findings(),
  ]);
  const detail = `${what}: ${summary}\n${findings.map((f) => `  - ${f}`).join('\n')}`;
  if (actual !== passed) {
    // Trivy's log says what it scanned (or skipped): the first thing to read on a wrong verdict.
    const log = await result.reports().file('trivy.log').contents();
    throw new Error(
      `expected ${what} to ${passed ? 'pass' : 'fail'}, it did not. ${detail}\n` +
        `trivy.log:\n${log.trim().split('\n').slice(-15).join('\n')}`,
    );
  }
  for (const text of expected) {
    if (!findings.some((f) => f.includes(text))) {
      throw new Error(`expected a finding naming "${text}". ${detail}`);
    }
  }
}

/** Engine tests of the trivy module. */
@object()
export class TrivyTests {
  /** Base image of the containers scanned. */
  debianImage: string;

  /**
   * @param debianImage Debian image the scanned containers are built from.
   */
  constructor(debianImage = 'docker.io/library/debian:bookworm-slim') {
    this.debianImage = debianImage;
  }

  /** A directory with an AWS access key fails, naming the rule and the file:line. */
  @func()
  @check()
  async secretInDirectoryFails(): Promise<void> {
    const source = dag
      .directory()
      .withNewFile('README.md', '# a project\n')
      .withNewFile('config/credentials', CREDENTIALS);
    const result = trivy().scanDirectory(source, { scanners: 'secret', ...OFFLINE });
    await expectVerdict('a directory with an AWS key', result, false, [
      'aws-access-key-id in config/credentials:2',
    ]);
    // The reports are there even when the gate fails: JSON, SARIF with the finding, and the log.
    const reports = result.reports();
    const entries = await reports.entries();
    for (const name of ['trivy.json', 'trivy.sarif', 'trivy.log']) {
      if (!entries.includes(name)) throw new Error(`no ${name} in reports: ${entries.join(', ')}`);
    }
    const sarif = JSON.parse(await reports.file('trivy.sarif').contents()) as {
      version?: string;
      runs?: { results?: { ruleId?: string }[] }[];
    };
    const rules = (sarif.runs ?? []).flatMap((r) => (r.results ?? []).map((x) => x.ruleId));
    if (sarif.version !== '2.1.0' || !rules.includes('aws-access-key-id')) {
      throw new Error(`trivy.sarif lacks the finding: version ${sarif.version}, rules ${rules}`);
    }
  }

  /** A directory without secrets and with a non-root Dockerfile passes secret and misconfig scans. */
  @func()
  @check()
  async cleanDirectoryPasses(): Promise<void> {
    const source = dag
      .directory()
      .withNewFile('config/app.yaml', 'region: eu-west-1\nreplicas: 2\n')
      .withNewFile('Dockerfile', GOOD_DOCKERFILE);
    const result = trivy().scanDirectory(source, { scanners: 'secret,misconfig', ...OFFLINE });
    await expectVerdict('a clean directory', result, true);
  }

  /** A Dockerfile running as root fails the misconfiguration scan with DS-0002 (HIGH). */
  @func()
  @check()
  async rootDockerfileFails(): Promise<void> {
    const source = dag.directory().withNewFile('Dockerfile', ROOT_DOCKERFILE);
    const result = trivy().scanDirectory(source, { scanners: 'misconfig', ...OFFLINE });
    await expectVerdict('a root Dockerfile', result, false, [
      'misconfiguration DS-0002 in Dockerfile',
    ]);
  }

  /**
   * Findings under skipDirs, or accepted in an ignore file, do not fail the gate: the same key
   * that fails secretInDirectoryFails passes once skipped or ignored.
   */
  @func()
  @check()
  async skippedAndIgnoredPass(): Promise<void> {
    const source = dag
      .directory()
      .withNewFile('app/main.txt', 'hello\n')
      .withNewFile('fixtures/insecure/credentials', CREDENTIALS);
    const skipped = trivy().scanDirectory(source, {
      scanners: 'secret',
      skipDirs: ['fixtures/insecure'],
      ...OFFLINE,
    });
    await expectVerdict('a skipped directory', skipped, true);
    const ignoreFile = dag
      .directory()
      .withNewFile('.trivyignore', '# a fake key for tests\naws-access-key-id\n')
      .file('.trivyignore');
    const ignored = trivy().scanDirectory(source, { scanners: 'secret', ignoreFile, ...OFFLINE });
    await expectVerdict('an ignored finding', ignored, true);
  }

  /** A container with an AWS key in a file fails the secret scan, naming rule and path. */
  @func()
  @check()
  async secretInContainerFails(): Promise<void> {
    const target = this.debian().withNewFile('/srv/app/credentials', CREDENTIALS);
    const result = trivy().scanContainer(target, { scanners: 'secret', ...OFFLINE });
    await expectVerdict('a container with an AWS key', result, false, [
      'aws-access-key-id in /srv/app/credentials:2',
    ]);
  }

  /** The Debian container as a non-root user passes the secret and image-config scans. */
  @func()
  @check()
  async cleanContainerPasses(): Promise<void> {
    const target = this.debian().withUser('10001');
    const result = trivy().scanContainer(target, { scanners: 'secret,misconfig', ...OFFLINE });
    await expectVerdict('a non-root container', result, true);
  }

  /**
   * A container running as root fails the image-config scan: with USER root, by Trivy's DS-0002;
   * without any USER (and, built by Dagger, without build history), as image-config-unchecked.
   */
  @func()
  @check()
  async rootContainerFails(): Promise<void> {
    const misconfig = { scanners: 'misconfig', ...OFFLINE };
    const asRoot = trivy().scanContainer(this.debian().withUser('root'), misconfig);
    await expectVerdict('a USER root container', asRoot, false, ['misconfiguration DS-0002']);
    const noUser = trivy().scanContainer(this.debian(), misconfig);
    await expectVerdict('a container without USER', noUser, false, [
      'misconfiguration image-config-unchecked',
    ]);
  }

  /** The module's check throws the formatted failure: its summary, then each failing finding. */
  @func()
  @check()
  async checkThrowsTheFailure(): Promise<void> {
    const source = dag.directory().withNewFile('config/credentials', CREDENTIALS);
    let message = '';
    try {
      await trivy().check({ source, scanners: 'secret', offline: true });
    } catch (error) {
      message = error instanceof Error ? error.message : String(error);
    }
    const expected = [
      'trivy scan failed: 1 finding(s) at or above high (0 vulnerabilities, 1 secrets',
      '  - critical secret aws-access-key-id in config/credentials:2',
    ];
    if (!expected.every((line) => message.includes(line))) {
      throw new Error(`expected check to throw ${JSON.stringify(expected)}, got: ${message}`);
    }
  }

  /** A misspelt severity threshold is an error naming the allowed ones, never a pass. */
  @func()
  @check()
  async severityTypoIsRejected(): Promise<void> {
    const source = dag.directory().withNewFile('config/credentials', CREDENTIALS);
    let message = '';
    try {
      await trivy()
        .scanDirectory(source, { severity: 'hihg', scanners: 'secret', ...OFFLINE })
        .passed();
    } catch (error) {
      message = error instanceof Error ? error.message : String(error);
    }
    if (!message.includes('use one of low, medium, high, critical')) {
      throw new Error(
        `expected the threshold "hihg" to be rejected, got: ${message || 'a result'}`,
      );
    }
  }

  /** The SBOM of a Debian container is CycloneDX listing its Debian packages. */
  @func()
  @check()
  async sbomListsPackages(): Promise<void> {
    const sbom = JSON.parse(await trivy().sbom(this.debian()).contents()) as {
      bomFormat?: string;
      components?: { purl?: string }[];
    };
    const debs = (sbom.components ?? []).filter((c) => c.purl?.startsWith('pkg:deb/debian/'));
    if (sbom.bomFormat !== 'CycloneDX' || debs.length === 0) {
      throw new Error(`not a CycloneDX SBOM of Debian packages: ${sbom.bomFormat}, ${debs.length}`);
    }
  }

  /** The base of the scanned containers. */
  private debian(): Container {
    return dag.container().from(this.debianImage);
  }
}
