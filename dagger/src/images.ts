import { readFileSync } from 'node:fs';

/**
 * Default container images of the pipeline: each pinned by tag and digest so that a run is
 * reproducible and a moved tag cannot change the pipeline. Every one can be overridden through the
 * module's constructor (e.g. to point at a private registry mirror or at locally built images).
 */

/** The pins in dagger/versions.json (the one pin per tool, shared with the host scripts). */
interface ToolPin {
  version: string;
  /** Image reference template: {version} is the pin, {semver} the pin without its leading v. */
  image: string;
  /** Digest of that image, where it is known. */
  digest?: string;
}
interface Versions {
  node: string;
  kubernetes: string;
  tools: Record<
    'helm' | 'kubeconform' | 'conftest' | 'actionlint' | 'k6' | 'trivy' | 'cosign',
    ToolPin
  >;
}

/** Read at load: the runtime copies dagger/ whole, so the file sits next to src/. */
export const VERSIONS = JSON.parse(
  readFileSync(new URL('../versions.json', import.meta.url), 'utf8'),
) as Versions;

/** The image of a pinned tool: its template filled with the pin, plus its digest when known. */
export function toolImage(pin: ToolPin): string {
  const ref = pin.image
    .replace('{version}', pin.version)
    .replace('{semver}', pin.version.replace(/^v/, ''));
  return pin.digest ? `${ref}@${pin.digest}` : ref;
}

/**
 * Node.js 24 LTS on Debian 12: builds, lints and tests the workspaces, and runs the backend image.
 * A literal tag@digest so that Renovate can move it; its major is versions.json's node major
 * (test/renovate.test.ts checks, Renovate's "node" group bumps both).
 */
export const NODE_IMAGE =
  'docker.io/library/node:24-bookworm-slim@sha256:6f7b03f7c2c8e2e784dcf9295400527b9b1270fd37b7e9a7285cf83b6951452d';
/** PostgreSQL 15: the database service for tests and the running stack. */
export const POSTGRES_IMAGE =
  'docker.io/library/postgres:15-alpine@sha256:fe0737ba566a2c5b2a28f34433c0a423261900ec17b9bf7ad115e1aae7e57f1b';
/** Redis 7: pub/sub and rate limits for tests and the running stack. */
export const REDIS_IMAGE =
  'docker.io/library/redis:7-alpine@sha256:6ab0b6e7381779332f97b8ca76193e45b0756f38d4c0dcda72dbb3c32061ab99';
/** Unprivileged nginx: the runtime base of the frontend image (listens on 8080 as non-root). */
export const NGINX_IMAGE =
  'docker.io/nginxinc/nginx-unprivileged:1.30.0@sha256:14672dc5c195f06cf0ee4abe71a0a3bea8d7591fb7aad9225f0a8fead7a790ae';
/** Helm: lints and renders the chart. */
export const HELM_IMAGE = toolImage(VERSIONS.tools.helm);
/** kubeconform: validates rendered manifests against the Kubernetes and CRD schemas. */
export const KUBECONFORM_IMAGE = toolImage(VERSIONS.tools.kubeconform);
/** conftest: applies the chart's OPA policies (helm/policy) to the rendered manifests. */
export const CONFTEST_IMAGE = toolImage(VERSIONS.tools.conftest);
/** Trivy: vulnerability, secret and misconfiguration scanner. */
export const TRIVY_IMAGE = toolImage(VERSIONS.tools.trivy);
/** OWASP ZAP: the baseline (passive) web scan. */
export const ZAP_IMAGE =
  'ghcr.io/zaproxy/zaproxy:2.17.0@sha256:781a2bdaea47324e7bab583e2263f21d257b0aee61ed51521a5be45f5f5081ef';
/** k6: HTTP and WebSocket load tests. */
export const K6_IMAGE = toolImage(VERSIONS.tools.k6);
/** Python 3.12: runs schemathesis (installed from PyPI at a pinned version). */
export const PYTHON_IMAGE =
  'docker.io/library/python:3.12-slim-bookworm@sha256:782412e85d0f0984994c290652577d4018aff08145c85b262bb63dc0c7522254';
/** actionlint (bundles shellcheck): lints the GitHub Actions workflows. */
export const ACTIONLINT_IMAGE = toolImage(VERSIONS.tools.actionlint);
/** cosign: signs the published images and attaches, then verifies, their attestations. */
export const COSIGN_IMAGE = toolImage(VERSIONS.tools.cosign);

/** The images one pipeline run uses, after constructor overrides. */
export interface Images {
  node: string;
  postgres: string;
  redis: string;
  nginx: string;
  helm: string;
  kubeconform: string;
  conftest: string;
  trivy: string;
  zap: string;
  k6: string;
  python: string;
  actionlint: string;
  cosign: string;
}

/** The pinned defaults, one per role. */
export const DEFAULT_IMAGES: Readonly<Images> = {
  node: NODE_IMAGE,
  postgres: POSTGRES_IMAGE,
  redis: REDIS_IMAGE,
  nginx: NGINX_IMAGE,
  helm: HELM_IMAGE,
  kubeconform: KUBECONFORM_IMAGE,
  conftest: CONFTEST_IMAGE,
  trivy: TRIVY_IMAGE,
  zap: ZAP_IMAGE,
  k6: K6_IMAGE,
  python: PYTHON_IMAGE,
  actionlint: ACTIONLINT_IMAGE,
  cosign: COSIGN_IMAGE,
};

/**
 * Merges overrides into the defaults; empty strings count as "not given" so that a CLI flag or
 * environment variable left blank keeps the pinned default.
 */
export function resolveImages(
  overrides: Partial<Record<keyof Images, string | undefined>>,
): Images {
  const images: Images = { ...DEFAULT_IMAGES };
  for (const key of Object.keys(images) as (keyof Images)[]) {
    const value = overrides[key];
    if (value !== undefined && value.trim() !== '') images[key] = value.trim();
  }
  return images;
}
