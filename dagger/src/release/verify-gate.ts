/**
 * What `verify` checks for each image, and how a failed cosign check is told to a person: the
 * reason named, not only cosign's output. Pure, so it is unit tested on cosign's recorded messages.
 */

/** One cosign check: the signature, or an attestation of a predicate type. */
export interface VerifyCheck {
  /** How the report names it. */
  name: 'signature' | 'sbom' | 'provenance';
  /** cosign subcommand and its --type (attestations). */
  args: string[];
}

/** The signature, the CycloneDX SBOM and the SLSA v1 provenance: all three are required. */
export const VERIFY_CHECKS: readonly VerifyCheck[] = [
  { name: 'signature', args: ['verify'] },
  { name: 'sbom', args: ['verify-attestation', '--type', 'cyclonedx'] },
  { name: 'provenance', args: ['verify-attestation', '--type', 'slsaprovenance1'] },
];

/** The outcome of one check on one image. */
export interface CheckOutcome {
  image: string;
  check: VerifyCheck['name'];
  exitCode: number;
  output: string;
}

/**
 * Names why cosign refused, from its error message (cosign v2's wording).
 * @example failureReason('sbom', 'Error: no matching attestations: ') // 'no CycloneDX SBOM attestation signed by this key'
 */
export function failureReason(check: VerifyCheck['name'], output: string): string {
  if (/no signatures found/.test(output)) return 'unsigned: no signature for this digest';
  if (/invalid signature|no matching signatures/.test(output)) {
    return 'signed, but not by this key';
  }
  if (/no matching attestations|none of the attestations matched/.test(output)) {
    return check === 'sbom'
      ? 'no CycloneDX SBOM attestation signed by this key'
      : 'no SLSA provenance attestation signed by this key';
  }
  if (/MANIFEST_UNKNOWN|NAME_UNKNOWN|not found/i.test(output))
    return 'image not found in the registry';
  const last = output.trim().split('\n').filter(Boolean).pop();
  return `cosign failed: ${last ?? 'no output'}`;
}

/** The verdict over every check of every image: null when all passed, else one line per failure. */
export function verifyFailure(outcomes: CheckOutcome[]): string | null {
  const failed = outcomes.filter((o) => o.exitCode !== 0);
  if (failed.length === 0) return null;
  const lines = failed.map((o) => `${o.image}: ${o.check}: ${failureReason(o.check, o.output)}`);
  return `verify failed:\n${lines.join('\n')}`;
}

/**
 * The size and type of each attestation in `cosign verify-attestation --output json`'s output:
 * one DSSE envelope per line whose payload is a base64 in-toto statement.
 */
export function attestationSummary(output: string): { predicateType: string; bytes: number }[] {
  const found: { predicateType: string; bytes: number }[] = [];
  for (const line of output.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const envelope = JSON.parse(line) as { payload?: string };
      if (!envelope.payload) continue;
      const statement = Buffer.from(envelope.payload, 'base64');
      const parsed = JSON.parse(statement.toString('utf8')) as { predicateType?: string };
      found.push({ predicateType: parsed.predicateType ?? 'unknown', bytes: statement.length });
    } catch {
      // Not an envelope (cosign also prints progress lines).
    }
  }
  return found;
}
