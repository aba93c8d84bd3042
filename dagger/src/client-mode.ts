import type { Directory } from '@dagger.io/dagger';
import { type Images, resolveImages } from './images.js';
import { Aichat } from './index.js';

/**
 * Builds the module's main object outside `dagger call` (client mode: a script connected with
 * `connection()` from @dagger.io/dagger), with images given by role instead of positionally.
 *
 * @example
 * await connection(async () => {
 *   const ci = aichatPipeline(dag.host().directory('.'), { node: 'localhost:5000/aichat/node:20' });
 *   await ci.lint();
 * });
 */
export function aichatPipeline(source: Directory, overrides: Partial<Images> = {}): Aichat {
  const i = resolveImages(overrides);
  return new Aichat(
    source,
    i.node,
    i.postgres,
    i.redis,
    i.nginx,
    i.helm,
    i.kubeconform,
    i.conftest,
    i.trivy,
    i.zap,
    i.k6,
    i.python,
    i.actionlint,
  );
}
