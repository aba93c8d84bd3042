import type { Directory } from '@dagger.io/dagger';
import type { GateResult } from './gates/gate.js';
import type { Images } from './images.js';

/** What every stage receives: the repository source and the images to run it with. */
export interface Pipeline {
  /** The repository root, already filtered by {@link SOURCE_IGNORE}. */
  source: Directory;
  /** Images after constructor overrides. */
  images: Images;
}

/**
 * Paths never sent to the engine: build output, dependencies and local state. Defined once and
 * used by the constructor's `@argument({ ignore })` so every function sees the same source.
 */
export const SOURCE_IGNORE = [
  '**/node_modules',
  '**/dist',
  '**/coverage',
  '**/reports',
  '**/.nyc_output',
  '**/test-results',
  '**/*.log',
  '.git',
  '.ci/cache',
  'data',
  '.env',
  '.dagger',
  'dagger/sdk',
];

/** The outcome of a stage: its gate and the reports it produced. */
export interface StageResult {
  gate: GateResult;
  reports: Directory;
}
