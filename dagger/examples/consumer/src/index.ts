/**
 * A repository that is not aichat: a static site and its Kubernetes objects, checked with two of
 * aichat's generic modules installed as toolchains (dagger.json): Trivy scans the site's image,
 * kube-policy validates deploy/ against the Kubernetes schemas and the repository's own policy.
 */
import {
  argument,
  dag,
  check,
  type Container,
  type Directory,
  func,
  object,
} from '@dagger.io/dagger';

@object()
export class Consumer {
  site: Directory;
  deploy: Directory;
  policy: Directory;
  schemas: Directory;
  nginxImage: string;

  /**
   * @param site The site's pages.
   * @param deploy The site's Kubernetes manifests.
   * @param policy The Rego policies the manifests must pass.
   * @param schemas kubeconform JSON schemas of the kinds in deploy/ (no network needed).
   * @param nginxImage Unprivileged nginx image the site is served from.
   */
  constructor(
    @argument({ defaultPath: 'site' }) site: Directory,
    @argument({ defaultPath: 'deploy' }) deploy: Directory,
    @argument({ defaultPath: 'policy' }) policy: Directory,
    @argument({ defaultPath: 'schemas' }) schemas: Directory,
    nginxImage = 'docker.io/nginxinc/nginx-unprivileged:1.30.0@sha256:14672dc5c195f06cf0ee4abe71a0a3bea8d7591fb7aad9225f0a8fead7a790ae',
  ) {
    this.site = site;
    this.deploy = deploy;
    this.policy = policy;
    this.schemas = schemas;
    this.nginxImage = nginxImage;
  }

  // The generated clients (v0.21.8) type an argument with a default as a required option, so
  // every one is given.
  private scanOptions() {
    return { severity: 'high', scanners: 'secret,misconfig', offline: true };
  }

  private validateOptions() {
    return { kubernetesVersion: '1.35.4', schemas: this.schemas, schemaLocation: '' };
  }

  /** The site's image: the pages on unprivileged nginx, port 8080. */
  @func()
  image(): Container {
    return dag
      .container()
      .from(this.nginxImage)
      .withDirectory('/usr/share/nginx/html', this.site)
      .withExposedPort(8080);
  }

  /**
   * Trivy (secrets, and the image's configuration) on the site's image, with Trivy's embedded
   * checks only: no download. Fails naming the findings.
   */
  @func()
  @check()
  async scanImage(): Promise<void> {
    const scan = dag.trivy().scanContainer(this.image(), this.scanOptions());
    if (!(await scan.passed())) {
      throw new Error(`trivy: ${await scan.summary()}\n${(await scan.findings()).join('\n')}`);
    }
  }

  /**
   * kubeconform (strict, against schemas/) and conftest (policy/) on deploy/. Fails naming
   * what is invalid or denied.
   */
  @func()
  @check()
  async validateDeploy(): Promise<void> {
    const kubePolicy = dag.kubePolicy();
    const results = {
      kubeconform: kubePolicy.validate(this.deploy, this.validateOptions()),
      conftest: kubePolicy.policy(this.deploy, this.policy),
    };
    const failures: string[] = [];
    for (const [name, result] of Object.entries(results)) {
      if (!(await result.passed())) failures.push(`${name}: ${await result.summary()}`);
    }
    if (failures.length > 0) throw new Error(failures.join('\n'));
  }

  /** Both modules' reports side by side: trivy/, kubeconform/ and conftest/. */
  @func()
  reports(): Directory {
    const kubePolicy = dag.kubePolicy();
    return dag
      .directory()
      .withDirectory('trivy', dag.trivy().scanContainer(this.image(), this.scanOptions()).reports())
      .withDirectory(
        'kubeconform',
        kubePolicy.validate(this.deploy, this.validateOptions()).reports(),
      )
      .withDirectory('conftest', kubePolicy.policy(this.deploy, this.policy).reports());
  }
}
