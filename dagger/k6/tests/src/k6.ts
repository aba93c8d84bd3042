import { dag, type Directory, type Service } from '@dagger.io/dagger';

/** The `k6` toolchain's result as the generated binding exposes it. */
export interface K6Result {
  passed(): Promise<boolean>;
  summary(): Promise<string>;
  findings(): Promise<string[]>;
  reports(): Directory;
}

/** The `k6` toolchain's functions used here. */
export interface K6 {
  run(
    script: Directory,
    entry: string,
    opts?: { target?: Service; targetHost?: string; env?: string[] },
  ): K6Result;
}

// The engine generates dag.k6() for this module; the host's @dagger.io/dagger does not have it.
export const k6 = (): K6 => (dag as unknown as { k6(): K6 }).k6();
