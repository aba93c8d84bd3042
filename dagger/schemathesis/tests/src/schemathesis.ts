import { dag, type Directory, type File, type Secret, type Service } from '@dagger.io/dagger';

/** The `schemathesis` toolchain's result as the generated binding exposes it. */
export interface SchemathesisResult {
  passed(): Promise<boolean>;
  summary(): Promise<string>;
  findings(): Promise<string[]>;
  reports(): Directory;
}

/** The `schemathesis` toolchain's functions used here. */
export interface Schemathesis {
  run(
    target: Service,
    opts?: {
      schemaPath?: string;
      port?: number;
      maxExamples?: number;
      authorization?: Secret;
      authScript?: File;
      includePath?: string;
      excludePath?: string;
      checks?: string;
    },
  ): SchemathesisResult;
}

// The engine generates dag.schemathesis() for this module; the host's @dagger.io/dagger lacks it.
export const schemathesis = (): Schemathesis =>
  (dag as unknown as { schemathesis(): Schemathesis }).schemathesis();
