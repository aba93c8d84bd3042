import { dag, type Directory, type File, ReturnType } from '@dagger.io/dagger';
import { cosignContainer, cosignFlags, type RegistryAccess } from './cosign.js';
import type { Pipeline } from './context.js';
import { parseReference } from './release/references.js';
import {
  attestationSummary,
  type CheckOutcome,
  failureReason,
  VERIFY_CHECKS,
  verifyFailure,
} from './release/verify-gate.js';

/** What `verify` found: the verdict (null: every check passed) and the reports. */
export interface VerifyResult {
  failure: string | null;
  reports: Directory;
}

/**
 * Verifies each image against `publicKey`: its cosign signature, a signed CycloneDX SBOM
 * attestation and a signed SLSA provenance attestation. An image given by tag is resolved by the
 * registry now, so a tag moved after signing points at an unsigned digest and fails.
 */
export async function verifyImages(
  p: Pipeline,
  images: string[],
  publicKey: File,
  access: RegistryAccess,
): Promise<VerifyResult> {
  const refs = images.flatMap((i) => i.split(/[\s,]+/)).filter(Boolean);
  if (refs.length === 0) throw new Error('verify: no image given');
  refs.forEach(parseReference); // a malformed reference fails here, by name
  const cosign = (await cosignContainer(p, refs, access)).withFile('/cosign/cosign.pub', publicKey);
  const flags = [
    '--key',
    '/cosign/cosign.pub',
    ...cosignFlags(access, 'verify'),
    '--output',
    'json',
  ];
  const outcomes = await Promise.all(
    refs.flatMap((image) =>
      VERIFY_CHECKS.map(async (check): Promise<CheckOutcome> => {
        const run = cosign.withExec(['cosign', ...check.args, ...flags, image], {
          expect: ReturnType.Any,
        });
        const [exitCode, stdout, stderr] = await Promise.all([
          run.exitCode(),
          run.stdout(),
          run.stderr(),
        ]);
        return { image, check: check.name, exitCode, output: `${stdout}\n${stderr}` };
      }),
    ),
  );
  return { failure: verifyFailure(outcomes), reports: verifyReports(outcomes) };
}

/** verify.md (one row per image and check, with each attestation's type and size) and the raw outputs. */
function verifyReports(outcomes: CheckOutcome[]): Directory {
  const rows = outcomes.map((o) => {
    const verdict = o.exitCode === 0 ? 'verified' : `FAILED: ${failureReason(o.check, o.output)}`;
    const attestations = attestationSummary(o.output)
      .map((a) => `${a.predicateType} (${a.bytes} bytes)`)
      .join(', ');
    return `| ${o.image} | ${o.check} | ${verdict} | ${attestations} |`;
  });
  let dir = dag
    .directory()
    .withNewFile(
      'verify.md',
      ['| image | check | result | attestations |', '| --- | --- | --- | --- |', ...rows, ''].join(
        '\n',
      ),
    );
  outcomes.forEach((o, i) => {
    dir = dir.withNewFile(
      `outputs/${i + 1}-${parseReference(o.image).name}-${o.check}.txt`,
      o.output,
    );
  });
  return dir;
}
