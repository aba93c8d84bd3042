import { dag, type Container } from '@dagger.io/dagger';
import { built, WORKDIR } from './base.js';
import { MANIFESTS } from './sources.js';
import type { Pipeline } from './context.js';
import { IMAGE_NAMES } from './release/references.js';

/** nginx's server configuration directory in the frontend image. */
export const NGINX_CONF_D = '/etc/nginx/conf.d';
/** Where the backend lives in its image. */
const APP_DIR = '/app';
/** The repository URL recorded in the images' OCI labels. */
export const SOURCE_URL = 'https://github.com/aichat/aichat';

/** OCI labels shared by both images. */
function labelled(container: Container, title: string, revision: string): Container {
  return container
    .withLabel('org.opencontainers.image.title', title)
    .withLabel('org.opencontainers.image.source', SOURCE_URL)
    .withLabel('org.opencontainers.image.revision', revision)
    .withLabel('org.opencontainers.image.licenses', 'Apache-2.0');
}

/** Production dependencies of the app workspace only (no dev tools in the image). */
function productionModules(p: Pipeline): Container {
  const manifests = p.source.filter({ include: MANIFESTS });
  return dag
    .container()
    .from(p.images.node)
    .withMountedCache('/root/.npm', dag.cacheVolume('aichat-npm'))
    .withWorkdir(WORKDIR)
    .withDirectory(WORKDIR, manifests)
    .withExec(['npm', 'ci', '--omit=dev', '--workspace', 'app', '--no-audit', '--no-fund']);
}

/**
 * The backend image: compiled app, production node_modules and the built web UI (served by the
 * backend when no separate frontend is deployed), running as the unprivileged `node` user. It
 * writes nothing outside /tmp, so it runs with a read-only root filesystem.
 */
export function backendImage(p: Pipeline, revision: string): Container {
  const build = built(p);
  const deps = productionModules(p);
  const image = dag
    .container()
    .from(p.images.node)
    .withWorkdir(APP_DIR)
    .withFile(`${APP_DIR}/package.json`, build.file(`${WORKDIR}/package.json`))
    .withDirectory(`${APP_DIR}/node_modules`, deps.directory(`${WORKDIR}/node_modules`))
    .withFile(`${APP_DIR}/app/package.json`, build.file(`${WORKDIR}/app/package.json`))
    .withDirectory(`${APP_DIR}/app/dist`, build.directory(`${WORKDIR}/app/dist`))
    .withDirectory(`${APP_DIR}/web/dist`, build.directory(`${WORKDIR}/web/dist`))
    .withEnvVariable('NODE_ENV', 'production')
    .withEnvVariable('PORT', '8080')
    .withEnvVariable('WEB_DIST_DIR', `${APP_DIR}/web/dist`)
    .withUser('node')
    .withExposedPort(8080)
    .withDockerHealthcheck(
      [
        'node',
        '-e',
        "fetch('http://127.0.0.1:8080/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))",
      ],
      { interval: '10s', timeout: '3s', retries: 3 },
    )
    .withEntrypoint(['node', 'app/dist/bin/server.js']);
  return labelled(image, IMAGE_NAMES.backend, revision);
}

/**
 * The frontend image: the built web UI on unprivileged nginx (port 8080, non-root) with the
 * server block from web/nginx.conf and its security-headers.inc (headers, caching, SPA fallback).
 * The API is routed by the ingress; `*.locations` files in conf.d can add proxying.
 */
export function frontendImage(p: Pipeline, revision: string): Container {
  const build = built(p);
  const image = dag
    .container()
    .from(p.images.nginx)
    .withDirectory('/usr/share/nginx/html', build.directory(`${WORKDIR}/web/dist`))
    .withFile(`${NGINX_CONF_D}/default.conf`, p.source.file('web/nginx.conf'))
    .withFile(`${NGINX_CONF_D}/security-headers.inc`, p.source.file('web/security-headers.inc'))
    .withExposedPort(8080)
    .withDockerHealthcheck(['wget', '-q', '-O', '/dev/null', 'http://127.0.0.1:8080/healthz'], {
      interval: '10s',
      timeout: '3s',
      retries: 3,
    });
  return labelled(image, IMAGE_NAMES.frontend, revision);
}

/** Both images aichat ships, by published name: what scan-image and sbom look at by default. */
export function shippedImages(p: Pipeline, revision: string): [string, Container][] {
  return [
    [IMAGE_NAMES.backend, backendImage(p, revision)],
    [IMAGE_NAMES.frontend, frontendImage(p, revision)],
  ];
}
