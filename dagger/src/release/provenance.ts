/**
 * The provenance attached to each published image: a SLSA v1 predicate (https://slsa.dev/provenance/v1)
 * saying which source revision, which pipeline function with which parameters, and which images
 * one build produced. cosign wraps it in an in-toto statement whose subject is the signed digest.
 */

/** Identifies how the images were built: this module's `publish` function. */
export const BUILD_TYPE = 'https://github.com/aichat/aichat/dagger/publish@v1';

export interface ProvenanceInput {
  /** The source revision built (the git sha). */
  revision: string;
  /** Where that revision lives, e.g. git+https://github.com/owner/aichat. */
  sourceUri: string;
  /** The pipeline function and the parameters it was called with (never secrets). */
  invocation: { function: string; parameters: Record<string, string> };
  /** Every image the build produced: name to `sha256:` digest. */
  images: Record<string, string>;
  /** Who ran the build, e.g. the CI workflow run's URL or `dagger v0.21.8`. */
  builderId: string;
  startedOn: Date;
  finishedOn: Date;
}

/** The SLSA v1 provenance predicate for one build. */
export function provenancePredicate(input: ProvenanceInput): Record<string, unknown> {
  const sha = (digest: string) => ({ sha256: digest.replace(/^sha256:/, '') });
  return {
    buildDefinition: {
      buildType: BUILD_TYPE,
      externalParameters: { function: input.invocation.function, ...input.invocation.parameters },
      resolvedDependencies: [{ uri: input.sourceUri, digest: { gitCommit: input.revision } }],
    },
    runDetails: {
      builder: { id: input.builderId },
      metadata: {
        invocationId: `${input.revision}/${input.invocation.function}`,
        startedOn: input.startedOn.toISOString(),
        finishedOn: input.finishedOn.toISOString(),
      },
      byproducts: Object.entries(input.images).map(([name, digest]) => ({
        name,
        digest: sha(digest),
      })),
    },
  };
}
