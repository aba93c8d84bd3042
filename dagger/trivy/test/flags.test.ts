import assert from 'node:assert/strict';
import {
  fsScanArgs,
  imageScanArgs,
  imageScanFlags,
  OFFLINE_FLAGS,
  sbomArgs,
  scansImageConfig,
  skipDirPath,
} from '../src/flags.js';

describe('trivy module: image scan flags', () => {
  it('applies misconfiguration checks to the image config, not to files inside the image', () => {
    assert.deepEqual(imageScanFlags('vuln,secret,misconfig'), [
      '--scanners',
      'vuln,secret',
      '--image-config-scanners',
      'misconfig',
    ]);
    assert.deepEqual(imageScanFlags('secret, misconfig'), [
      '--scanners',
      'secret',
      '--image-config-scanners',
      'misconfig',
    ]);
  });

  it('keeps the file scanners as given when misconfig is not asked for', () => {
    assert.deepEqual(imageScanFlags('vuln,secret'), ['--scanners', 'vuln,secret']);
  });

  it('still looks for secrets when misconfig is the only scanner', () => {
    assert.deepEqual(imageScanFlags('misconfig'), [
      '--scanners',
      'secret',
      '--image-config-scanners',
      'misconfig',
    ]);
  });

  it('checks the image config exactly when misconfig is asked for', () => {
    assert.equal(scansImageConfig('vuln, misconfig'), true);
    assert.equal(scansImageConfig('vuln,secret'), false);
  });

  it('rejects an empty scanner list', () => {
    assert.throws(() => imageScanFlags(' , '), /no scanner in " , "/);
    assert.throws(() => fsScanArgs({ scanners: '', offline: false, skipDirs: [] }), /no scanner/);
  });

  it('scans the tarball, offline only when asked', () => {
    assert.deepEqual(imageScanArgs('secret', false), [
      'image',
      '--scanners',
      'secret',
      '--cache-backend',
      'memory',
      '--input',
      '/image/image.tar',
    ]);
    assert.deepEqual(imageScanArgs('secret', true).slice(3, 6), OFFLINE_FLAGS);
  });
});

describe('trivy module: directory scan flags', () => {
  it('passes scanners, offline flags, skipped directories and the ignore file, target last', () => {
    assert.deepEqual(
      fsScanArgs({
        scanners: 'vuln, secret',
        offline: true,
        skipDirs: ['helm/policy/fixtures', './.ci/engine/images/'],
        ignoreFile: '.trivyignore.yaml',
      }),
      [
        'fs',
        '--scanners',
        'vuln,secret',
        '--skip-db-update',
        '--skip-java-db-update',
        '--skip-check-update',
        '--cache-backend',
        'memory',
        '--skip-dirs',
        '/target/helm/policy/fixtures',
        '--skip-dirs',
        '/target/.ci/engine/images',
        '--ignorefile',
        '/trivyignore/.trivyignore.yaml',
        '/target',
      ],
    );
    assert.deepEqual(fsScanArgs({ scanners: 'secret', offline: false, skipDirs: [] }), [
      'fs',
      '--scanners',
      'secret',
      '--cache-backend',
      'memory',
      '/target',
    ]);
  });

  it('takes skipDirs relative to the scanned directory and rejects those outside it', () => {
    assert.equal(skipDirPath('**/fixtures'), '/target/**/fixtures');
    for (const bad of ['/etc', '../x', 'a/../../b', '', '.', './']) {
      assert.throws(() => skipDirPath(bad), /must be a path inside the scanned directory/);
    }
  });
});

describe('trivy module: SBOM flags', () => {
  it('writes CycloneDX offline with a cache of its own (not the shared, locked one)', () => {
    const args = sbomArgs();
    assert.deepEqual(args.slice(0, 3), ['image', '--format', 'cyclonedx']);
    for (const flag of OFFLINE_FLAGS) assert.ok(args.includes(flag), flag);
    assert.equal(args[args.indexOf('--cache-dir') + 1], '/tmp/trivy-sbom');
  });
});
