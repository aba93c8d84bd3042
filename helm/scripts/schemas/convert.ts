/**
 * Pure conversion of Kubernetes OpenAPI documents into kubeconform's JSON-schema layout: one
 * standalone, strict schema per kind and API version, named `<kind><kindSuffix>.json` exactly as
 * kubeconform computes the file name (pkg/registry/registry.go, `KindSuffix`).
 *
 * "Strict" means what kubeconform's `-strict` expects from the `-strict` schema variants: every
 * object that lists its properties rejects any other property, so a typo'd field fails.
 */

/** A JSON schema node (loosely typed: the inputs are arbitrary OpenAPI documents). */
export type Schema = { [key: string]: unknown };

/** Group, version and kind of a Kubernetes resource type. */
export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

/** One generated schema file: its name inside the schema directory and its content. */
export interface SchemaFile {
  fileName: string;
  schema: Schema;
}

const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
const DEFINITION_REF = '#/definitions/';

/** The `apiVersion` string of a group/version (`v1` for the core group). */
export function apiVersionOf(gvk: GroupVersionKind): string {
  return gvk.group === '' ? gvk.version : `${gvk.group}/${gvk.version}`;
}

/**
 * The file name kubeconform looks up for a kind, e.g. `deployment-apps-v1.json`,
 * `servicemonitor-monitoring-v1.json`, `service-v1.json` (only the first DNS label of the group).
 */
export function schemaFileName(kind: string, apiVersion: string): string {
  const groupParts = apiVersion.split('/');
  const firstLabel = (groupParts[0] ?? '').split('.')[0] ?? '';
  let suffix = `-${firstLabel.toLowerCase()}`;
  if (groupParts.length > 1) suffix += `-${(groupParts[1] ?? '').toLowerCase()}`;
  return `${kind.toLowerCase()}${suffix}.json`;
}

function isObject(value: unknown): value is Schema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Keywords whose value maps names to schemas: the map itself is not a schema node. */
const NAME_MAPS = new Set(['properties', 'patternProperties', 'definitions']);

/** Deep-maps a schema tree bottom-up: `visit` sees each schema after its children were mapped. */
function mapTree(node: unknown, visit: (schema: Schema) => Schema): unknown {
  if (Array.isArray(node)) return node.map((item) => mapTree(item, visit));
  if (!isObject(node)) return node;
  const mapped: Schema = {};
  for (const [key, value] of Object.entries(node)) {
    // A property may be called "type" or "properties" (JSONSchemaProps has both), so the
    // name → schema map is walked through without being visited as a schema.
    mapped[key] =
      NAME_MAPS.has(key) && isObject(value)
        ? Object.fromEntries(Object.entries(value).map(([n, v]) => [n, mapTree(v, visit)]))
        : mapTree(value, visit);
  }
  return visit(mapped);
}

/** Closes an object schema that lists properties, unless it explicitly allows unknown fields. */
function closeObject(schema: Schema): Schema {
  const preserve = schema['x-kubernetes-preserve-unknown-fields'] === true;
  if (isObject(schema.properties) && !('additionalProperties' in schema) && !preserve) {
    return { ...schema, additionalProperties: false };
  }
  return schema;
}

/** Expresses OpenAPI's nullable (JSON Schema draft 4 has no such keyword). */
function applyNullable(schema: Schema): Schema {
  if (schema.nullable !== true || typeof schema.type !== 'string') return schema;
  return { ...schema, type: [schema.type, 'null'] };
}

/** Node transform for the core Kubernetes swagger document. */
function swaggerNode(schema: Schema): Schema {
  if (schema.format === 'int-or-string') {
    const { type: _type, format: _format, ...rest } = schema;
    return { ...rest, oneOf: [{ type: 'string' }, { type: 'integer' }] };
  }
  return closeObject(schema);
}

/** Node transform for a CRD's openAPIV3Schema (structural schema with Kubernetes extensions). */
function crdNode(schema: Schema): Schema {
  let out = applyNullable(schema);
  if (out['x-kubernetes-int-or-string'] === true && !('anyOf' in out) && !('oneOf' in out)) {
    const { type: _type, ...rest } = out;
    out = { ...rest, anyOf: [{ type: 'integer' }, { type: 'string' }] };
  }
  return closeObject(out);
}

/** Names of every definition reachable through `$ref` from `root` (the transitive closure). */
function referencedDefinitions(root: unknown, definitions: Record<string, unknown>): Set<string> {
  const seen = new Set<string>();
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (Array.isArray(node)) {
      stack.push(...node);
    } else if (isObject(node)) {
      const ref = node.$ref;
      if (typeof ref === 'string' && ref.startsWith(DEFINITION_REF)) {
        const name = ref.slice(DEFINITION_REF.length);
        if (!seen.has(name)) {
          if (!(name in definitions)) throw new Error(`dangling $ref ${ref}`);
          seen.add(name);
          stack.push(definitions[name]);
        }
      }
      stack.push(...Object.values(node));
    }
  }
  return seen;
}

/** Pins `apiVersion` and `kind` of a resource schema to the one type it describes. */
function pinTypeMeta(schema: Schema, gvk: GroupVersionKind): Schema {
  const properties = isObject(schema.properties) ? schema.properties : {};
  return {
    ...schema,
    properties: {
      ...properties,
      apiVersion: { type: 'string', enum: [apiVersionOf(gvk)] },
      kind: { type: 'string', enum: [gvk.kind] },
    },
    required: [...new Set([...(Array.isArray(schema.required) ? schema.required : []), 'kind'])],
  };
}

/**
 * Converts the Kubernetes swagger (OpenAPI v2) document into one standalone strict schema per
 * group/version/kind. Each file carries only the definitions it references, so no file depends on
 * another. Kinds listed under several group/versions (WatchEvent, DeleteOptions) are skipped: they
 * are API plumbing, not resources one deploys.
 */
export function convertSwagger(swagger: Schema): SchemaFile[] {
  const rawDefinitions = swagger.definitions;
  if (!isObject(rawDefinitions)) throw new Error('swagger document has no definitions');
  const definitions: Record<string, unknown> = {};
  for (const [name, definition] of Object.entries(rawDefinitions)) {
    // Quantity serialises as a string ("250m") or a plain number (2): accept both, as the API does.
    definitions[name] =
      name === QUANTITY && isObject(definition)
        ? { description: definition.description, oneOf: [{ type: 'string' }, { type: 'number' }] }
        : mapTree(definition, swaggerNode);
  }
  const files: SchemaFile[] = [];
  for (const [name, definition] of Object.entries(definitions)) {
    if (!isObject(definition)) continue;
    const gvks = definition['x-kubernetes-group-version-kind'];
    if (!Array.isArray(gvks) || gvks.length !== 1) continue;
    const gvk = gvks[0] as GroupVersionKind;
    const root = pinTypeMeta(definition, gvk);
    const closure = referencedDefinitions(root, definitions);
    closure.delete(name);
    const own: Record<string, unknown> = {};
    for (const ref of [...closure].sort()) own[ref] = definitions[ref];
    files.push({
      fileName: schemaFileName(gvk.kind, apiVersionOf(gvk)),
      schema: { ...root, definitions: own },
    });
  }
  return files;
}

/**
 * Converts a CustomResourceDefinition into one strict schema per served version. Fields marked
 * `x-kubernetes-preserve-unknown-fields` stay open (the API server accepts anything there).
 */
export function convertCrd(crd: Schema): SchemaFile[] {
  if (crd.kind !== 'CustomResourceDefinition')
    throw new Error(`not a CRD: kind ${String(crd.kind)}`);
  const spec = isObject(crd.spec) ? crd.spec : {};
  const names = isObject(spec.names) ? spec.names : {};
  const group = String(spec.group ?? '');
  const kind = String(names.kind ?? '');
  if (!group || !kind) throw new Error('CRD without spec.group or spec.names.kind');
  const versions = Array.isArray(spec.versions) ? spec.versions : [];
  const files: SchemaFile[] = [];
  for (const version of versions) {
    if (!isObject(version) || version.served === false) continue;
    const schemaHolder = isObject(version.schema) ? version.schema : {};
    const openApi = schemaHolder.openAPIV3Schema;
    if (!isObject(openApi)) throw new Error(`CRD ${kind} ${String(version.name)} has no schema`);
    const gvk = { group, version: String(version.name), kind };
    files.push({
      fileName: schemaFileName(kind, apiVersionOf(gvk)),
      schema: pinTypeMeta(mapTree(openApi, crdNode) as Schema, gvk),
    });
  }
  return files;
}
