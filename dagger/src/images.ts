/**
 * Default container images of the pipeline: each pinned by tag and digest so that a run is
 * reproducible and a moved tag cannot change the pipeline. Every one can be overridden through the
 * module's constructor (e.g. to point at a private registry mirror or at locally built images).
 */

/** Node.js 20 on Debian 12: builds, lints and tests the workspaces. */
export const NODE_IMAGE =
  'docker.io/library/node:20-bookworm-slim@sha256:2cf067cfed83d5ea958367df9f966191a942351a2df77d6f0193e162b5febfc0';
/** PostgreSQL 15: the database service for tests and the running stack. */
export const POSTGRES_IMAGE =
  'docker.io/library/postgres:15-alpine@sha256:fe0737ba566a2c5b2a28f34433c0a423261900ec17b9bf7ad115e1aae7e57f1b';
/** Redis 7: pub/sub and rate limits for tests and the running stack. */
export const REDIS_IMAGE =
  'docker.io/library/redis:7-alpine@sha256:6ab0b6e7381779332f97b8ca76193e45b0756f38d4c0dcda72dbb3c32061ab99';
/** Unprivileged nginx: the runtime base of the frontend image (listens on 8080 as non-root). */
export const NGINX_IMAGE =
  'docker.io/nginxinc/nginx-unprivileged:1.27-alpine@sha256:65e3e85dbaed8ba248841d9d58a899b6197106c23cb0ff1a132b7bfe0547e4c0';
/** Helm 3: lints and renders the chart. */
export const HELM_IMAGE =
  'docker.io/alpine/helm:3.18.4@sha256:e7ecbf4a200dea73d64bfb8cb0936829164945f2b4d02a0274093073ee8d264f';
/** kubeconform: validates rendered manifests against the Kubernetes schemas. */
export const KUBECONFORM_IMAGE =
  'ghcr.io/yannh/kubeconform:v0.6.7@sha256:0925177fb05b44ce18574076141b5c3d83235e1904d3f952182ac99ddc45762c';
/** conftest: applies the chart's OPA policies (helm/policy) to the rendered manifests. */
export const CONFTEST_IMAGE =
  'docker.io/openpolicyagent/conftest:v0.68.2@sha256:5fd81e332d7e4bc01daf3ef35371800a9a9720a30c0c37a78de0c5fbe4b6d622';
/** Trivy: vulnerability, secret and misconfiguration scanner. */
export const TRIVY_IMAGE =
  'docker.io/aquasec/trivy:0.68.2@sha256:05d0126976bdedcd0782a0336f77832dbea1c81b9cc5e4b3a5ea5d2ec863aca7';
/** OWASP ZAP: the baseline (passive) web scan. */
export const ZAP_IMAGE =
  'ghcr.io/zaproxy/zaproxy:2.16.1@sha256:7840969c7c9fead565bf9734b12f49f6886db90b1d35b1f74d79710bbd081dab';
/** k6: HTTP and WebSocket load tests. */
export const K6_IMAGE =
  'docker.io/grafana/k6:1.7.1@sha256:4fd3a694926b064d3491d9b02b01cde886583c4931f1223816e3d9a7bdfa7e0f';
/** Python 3.12: runs schemathesis (installed from PyPI at a pinned version). */
export const PYTHON_IMAGE =
  'docker.io/library/python:3.12-slim-bookworm@sha256:782412e85d0f0984994c290652577d4018aff08145c85b262bb63dc0c7522254';
/** actionlint (bundles shellcheck): lints the GitHub Actions workflows. */
export const ACTIONLINT_IMAGE =
  'docker.io/rhysd/actionlint:1.7.12@sha256:b1934ee5f1c509618f2508e6eb47ee0d3520686341fec936f3b79331f9315667';

/** schemathesis release installed into the Python image (PyPI). */
export const SCHEMATHESIS_VERSION = '4.32.5';

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
