/**
 * The typed shape of the kube-policy toolchain's binding: the engine's runtime generates
 * `dag.kubePolicy()` for this module, the host's @dagger.io/dagger does not have it.
 */
import { dag, type Directory } from '@dagger.io/dagger';

/** A check's verdict (KubePolicyResult). */
export interface KubePolicyResult {
  passed(): Promise<boolean>;
  summary(): Promise<string>;
  findings(): Promise<string[]>;
  reports(): Directory;
}

/** The KubePolicy object. */
export interface KubePolicy {
  validate(
    manifests: Directory,
    opts?: { kubernetesVersion?: string; schemas?: Directory; schemaLocation?: string },
  ): KubePolicyResult;
  policy(manifests: Directory, policy: Directory, opts?: { namespace?: string }): KubePolicyResult;
  check(opts?: {
    manifests?: Directory;
    policy?: Directory;
    kubernetesVersion?: string;
    schemas?: Directory;
    schemaLocation?: string;
    namespace?: string;
  }): Promise<void>;
}

/** `dag.kubePolicy(...)` with its constructor's image arguments. */
export const kubePolicy = (opts: { kubeconformImage: string; conftestImage: string }): KubePolicy =>
  (dag as unknown as { kubePolicy(o: typeof opts): KubePolicy }).kubePolicy(opts);
