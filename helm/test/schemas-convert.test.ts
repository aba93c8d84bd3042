import assert from 'node:assert/strict';
import {
  convertCrd,
  convertSwagger,
  schemaFileName,
  type Schema,
} from '../scripts/schemas/convert.js';

describe('helm schemas: OpenAPI → kubeconform conversion', () => {
  it('names files the way kubeconform looks them up', () => {
    assert.equal(schemaFileName('Deployment', 'apps/v1'), 'deployment-apps-v1.json');
    assert.equal(schemaFileName('Service', 'v1'), 'service-v1.json');
    assert.equal(
      schemaFileName('ServiceMonitor', 'monitoring.coreos.com/v1'),
      'servicemonitor-monitoring-v1.json',
    );
    assert.equal(schemaFileName('Ingress', 'networking.k8s.io/v1'), 'ingress-networking-v1.json');
  });

  const swagger: Schema = {
    definitions: {
      'io.k8s.api.demo.v1.Widget': {
        type: 'object',
        'x-kubernetes-group-version-kind': [
          { group: 'demo.example.com', version: 'v1', kind: 'Widget' },
        ],
        properties: {
          apiVersion: { type: 'string' },
          kind: { type: 'string' },
          spec: { $ref: '#/definitions/io.k8s.api.demo.v1.WidgetSpec' },
        },
      },
      'io.k8s.api.demo.v1.WidgetSpec': {
        type: 'object',
        properties: {
          port: { $ref: '#/definitions/io.k8s.apimachinery.pkg.util.intstr.IntOrString' },
          memory: { $ref: '#/definitions/io.k8s.apimachinery.pkg.api.resource.Quantity' },
          labels: { type: 'object', additionalProperties: { type: 'string' } },
          // A property named like a keyword must stay a property.
          properties: { type: 'string' },
        },
      },
      'io.k8s.apimachinery.pkg.util.intstr.IntOrString': {
        type: 'string',
        format: 'int-or-string',
      },
      'io.k8s.apimachinery.pkg.api.resource.Quantity': { type: 'string' },
      'io.k8s.api.demo.v1.Unused': { type: 'object', properties: { a: { type: 'string' } } },
      'io.k8s.api.demo.v1.WatchEvent': {
        type: 'object',
        'x-kubernetes-group-version-kind': [
          { group: '', version: 'v1', kind: 'WatchEvent' },
          { group: 'apps', version: 'v1', kind: 'WatchEvent' },
        ],
      },
    },
  };

  it('makes one standalone strict schema per kind, with only the definitions it references', () => {
    const files = convertSwagger(swagger);
    assert.deepEqual(
      files.map((f) => f.fileName),
      ['widget-demo-v1.json'],
    );
    const schema = files[0]!.schema;
    assert.equal(schema.additionalProperties, false);
    const definitions = schema.definitions as Record<string, Schema>;
    assert.deepEqual(Object.keys(definitions).sort(), [
      'io.k8s.api.demo.v1.WidgetSpec',
      'io.k8s.apimachinery.pkg.api.resource.Quantity',
      'io.k8s.apimachinery.pkg.util.intstr.IntOrString',
    ]);
    const spec = definitions['io.k8s.api.demo.v1.WidgetSpec']!;
    assert.equal(spec.additionalProperties, false);
    const props = spec.properties as Record<string, Schema>;
    assert.deepEqual(props.properties, { type: 'string' }, 'property named "properties" untouched');
    assert.deepEqual(props.labels!.additionalProperties, { type: 'string' }, 'maps stay maps');
    assert.deepEqual(definitions['io.k8s.apimachinery.pkg.util.intstr.IntOrString']!.oneOf, [
      { type: 'string' },
      { type: 'integer' },
    ]);
    assert.deepEqual(definitions['io.k8s.apimachinery.pkg.api.resource.Quantity']!.oneOf, [
      { type: 'string' },
      { type: 'number' },
    ]);
    const rootProps = schema.properties as Record<string, Schema>;
    assert.deepEqual(rootProps.kind!.enum, ['Widget']);
    assert.deepEqual(rootProps.apiVersion!.enum, ['demo.example.com/v1']);
  });

  it('rejects a dangling $ref instead of writing a schema that cannot resolve', () => {
    const broken = structuredClone(swagger);
    delete (broken.definitions as Record<string, unknown>)['io.k8s.api.demo.v1.WidgetSpec'];
    assert.throws(() => convertSwagger(broken), /dangling \$ref/);
  });

  const crd: Schema = {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    spec: {
      group: 'argoproj.io',
      names: { kind: 'Rollout' },
      versions: [
        {
          name: 'v1alpha1',
          served: true,
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: {
                spec: {
                  type: 'object',
                  properties: {
                    maxSurge: { 'x-kubernetes-int-or-string': true },
                    template: {
                      type: 'object',
                      'x-kubernetes-preserve-unknown-fields': true,
                      properties: { a: { type: 'string' } },
                    },
                    note: { type: 'string', nullable: true },
                  },
                },
              },
            },
          },
        },
        { name: 'v0', served: false, schema: { openAPIV3Schema: { type: 'object' } } },
      ],
    },
  };

  it('converts each served CRD version, closing objects except preserve-unknown-fields', () => {
    const files = convertCrd(crd);
    assert.deepEqual(
      files.map((f) => f.fileName),
      ['rollout-argoproj-v1alpha1.json'],
    );
    const spec = (files[0]!.schema.properties as Record<string, Schema>).spec!;
    assert.equal(spec.additionalProperties, false);
    const props = spec.properties as Record<string, Schema>;
    assert.deepEqual(props.maxSurge!.anyOf, [{ type: 'integer' }, { type: 'string' }]);
    assert.equal('additionalProperties' in props.template!, false);
    assert.deepEqual(props.note!.type, ['string', 'null']);
  });

  it('refuses a document that is not a CRD', () => {
    assert.throws(() => convertCrd({ kind: 'Deployment' }), /not a CRD/);
  });
});
