/**
 * Writes kubeconform schemas from the Kubernetes swagger document and CRD manifests.
 *
 *   tsx helm/scripts/schemas/generate.ts --out <dir> --swagger <swagger.json> --crd <file.yaml>...
 *
 * Called by helm/scripts/generate-schemas.sh, which finds those files inside Go module zips.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { convertCrd, convertSwagger, type Schema, type SchemaFile } from './convert.js';

const { values } = parseArgs({
  options: {
    out: { type: 'string' },
    swagger: { type: 'string' },
    crd: { type: 'string', multiple: true, default: [] },
  },
});
if (!values.out || !values.swagger) {
  throw new Error('usage: generate.ts --out <dir> --swagger <swagger.json> [--crd <crd.yaml>]...');
}

const files: SchemaFile[] = convertSwagger(JSON.parse(readFileSync(values.swagger, 'utf8')));
for (const path of values.crd ?? []) {
  for (const doc of parseAllDocuments(readFileSync(path, 'utf8'))) {
    const crd = doc.toJS() as Schema | null;
    if (crd?.kind === 'CustomResourceDefinition') files.push(...convertCrd(crd));
  }
}

mkdirSync(values.out, { recursive: true });
const written = new Set<string>();
for (const { fileName, schema } of files) {
  // Two sources for one file name would make the result depend on argument order.
  if (written.has(fileName)) throw new Error(`two schemas map to ${fileName}`);
  written.add(fileName);
  writeFileSync(join(values.out, fileName), JSON.stringify(schema));
}
process.stdout.write(`wrote ${written.size} schemas to ${values.out}\n`);
