import { parseDocument } from 'yaml';
import { type Component, type ImageReference, IMAGE_NAMES } from './references.js';

/** The environments with a values file (helm/aichat/values-<env>.yaml) that `promote` writes. */
export const PROMOTABLE_ENVIRONMENTS = ['dev', 'staging', 'production'] as const;

/** The values file of an environment, relative to the repository root. */
export function valuesFile(env: string): string {
  if (!(PROMOTABLE_ENVIRONMENTS as readonly string[]).includes(env)) {
    throw new Error(`unknown environment '${env}': one of ${PROMOTABLE_ENVIRONMENTS.join(', ')}`);
  }
  return `helm/aichat/values-${env}.yaml`;
}

/**
 * Writes each component's published image into a values file: `<component>.image.registry`,
 * `.repository`, `.tag` and `.digest`, keeping every other line and comment. The chart renders
 * `<registry>/<repository>@<digest>`, so the environment runs exactly the image that was signed,
 * from where it was published.
 */
export function setImages(valuesYaml: string, images: Record<Component, ImageReference>): string {
  const doc = parseDocument(valuesYaml);
  if (doc.errors.length > 0) throw new Error(`values file is not YAML: ${doc.errors[0]?.message}`);
  for (const component of Object.keys(IMAGE_NAMES) as Component[]) {
    const image = images[component];
    if (!image.digest) throw new Error(`no digest for ${IMAGE_NAMES[component]}`);
    const { registry, repository } = splitRegistry(image.repository);
    doc.setIn([component, 'image', 'registry'], registry);
    doc.setIn([component, 'image', 'repository'], repository);
    if (image.tag) doc.setIn([component, 'image', 'tag'], image.tag);
    doc.setIn([component, 'image', 'digest'], image.digest);
  }
  return doc.toString();
}

/**
 * The registry host of a repository and the path under it, by Docker's rule: the first segment is
 * a host when it has a dot or a port, or is localhost.
 * @example splitRegistry('ghcr.io/o/aichat-backend') // { registry: 'ghcr.io', repository: 'o/aichat-backend' }
 */
export function splitRegistry(name: string): { registry: string; repository: string } {
  const [first = '', ...rest] = name.split('/');
  const isHost = rest.length > 0 && (/[.:]/.test(first) || first === 'localhost');
  return isHost
    ? { registry: first, repository: rest.join('/') }
    : { registry: '', repository: name };
}

/**
 * The images an environment deploys, as `registry/repository:tag@digest` references, from the
 * chart's values files in the order helm reads them (later ones win): what promoting one
 * environment's build to the next reads. Throws when a component is not pinned by digest.
 */
export function deployedImages(valuesYamls: string[]): string[] {
  const docs = valuesYamls.map((yaml) => {
    const doc = parseDocument(yaml);
    if (doc.errors.length > 0)
      throw new Error(`values file is not YAML: ${doc.errors[0]?.message}`);
    return doc;
  });
  return (Object.keys(IMAGE_NAMES) as Component[]).map((component) => {
    const field = (key: string): string => {
      let found = '';
      for (const doc of docs) {
        const value: unknown = doc.getIn([component, 'image', key]);
        if (typeof value === 'string' && value !== '') found = value;
      }
      return found;
    };
    const digest = field('digest');
    if (!digest)
      throw new Error(`${component}.image.digest is not set: nothing was promoted there`);
    const registry = field('registry');
    const tag = field('tag');
    return `${registry ? `${registry}/` : ''}${field('repository')}${tag ? `:${tag}` : ''}@${digest}`;
  });
}
