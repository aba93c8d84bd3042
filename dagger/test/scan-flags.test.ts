import assert from 'node:assert/strict';
import { imageScanFlags } from '../src/scan.js';

describe('trivy scan flags', () => {
  it('applies misconfiguration checks to the image config, not to files inside the image', () => {
    assert.equal(
      imageScanFlags('vuln,secret,misconfig'),
      '--scanners vuln,secret --image-config-scanners misconfig',
    );
    assert.equal(
      imageScanFlags('secret, misconfig'),
      '--scanners secret --image-config-scanners misconfig',
    );
  });

  it('keeps the file scanners as given when misconfig is not asked for', () => {
    assert.equal(imageScanFlags('vuln,secret'), '--scanners vuln,secret');
  });

  it('still looks for secrets when misconfig is the only scanner', () => {
    assert.equal(
      imageScanFlags('misconfig'),
      '--scanners secret --image-config-scanners misconfig',
    );
  });
});
