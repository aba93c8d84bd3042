// Runs the TypeScript SDK's own introspector (what the engine's TypeScript runtime runs to
// register the module) on a module directory's src/, and renders the result the way
// `dagger functions` names it.
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** A function as the introspector sees it, reduced to what the tests assert. */
export interface IntrospectedFunction {
  name: string;
  cliName: string;
  description: string;
  returnType: string;
  isCheck: boolean;
  isUp: boolean;
  arguments: { name: string; cliName: string; type: string; optional: boolean; default: unknown }[];
}

/** The module as the introspector sees it. */
export interface IntrospectedModule {
  description: string;
  /**
   * Types its objects refer to (arguments, returns, fields) that are neither core types nor its
   * own objects, e.g. a plain interface taken by a constructor: the introspector registers it as
   * an interface the module never defines, and a stock v0.21.8 engine panics (a nil type in
   * getSchemaJSON) building the clients of every module that depends on it.
   */
  danglingTypes: string[];
  constructorArguments: IntrospectedFunction['arguments'];
  constructorSource: { defaultPath?: string; ignore?: string[] };
  functions: IntrospectedFunction[];
}

interface TypeDef {
  kind: string;
  name?: string;
  typeDef?: TypeDef;
}
interface RegisteredObject {
  constructor?: { arguments: Record<string, Arg> };
  methods: Record<string, Fn>;
  properties?: Record<string, { type?: TypeDef }>;
}
interface Arg {
  name: string;
  type?: TypeDef;
  isOptional: boolean;
  defaultValue?: unknown;
  defaultPath?: string;
  ignore?: string[];
}
interface Fn {
  name: string;
  description: string;
  returnType?: TypeDef;
  arguments: Record<string, Arg>;
  isCheck: boolean;
  isUp: boolean;
}

/**
 * The CLI's naming of functions and flags (strcase.ToKebab in dagger's cmd/dagger): a dash at
 * each lower→upper case change and between letters and digits, so `e2e` becomes `e-2-e`.
 */
export function kebab(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Za-z])([0-9])/g, '$1-$2')
    .replace(/([0-9])([A-Za-z])/g, '$1-$2')
    .toLowerCase();
}

function typeName(t: TypeDef | undefined): string {
  if (!t) return '?';
  switch (t.kind) {
    case 'STRING_KIND':
      return 'String';
    case 'INTEGER_KIND':
      return 'Int';
    case 'FLOAT_KIND':
      return 'Float';
    case 'BOOLEAN_KIND':
      return 'Boolean';
    case 'VOID_KIND':
      return 'Void';
    case 'LIST_KIND':
      return `[${typeName(t.typeDef)}]`;
    default:
      return t.name ?? t.kind;
  }
}

function args(record: Record<string, Arg>): IntrospectedFunction['arguments'] {
  return Object.values(record).map((a) => ({
    name: a.name,
    cliName: kebab(a.name),
    type: typeName(a.type),
    optional: a.isOptional,
    default: a.defaultValue,
  }));
}

/**
 * Introspects `moduleDir`/src with the SDK's `scan()`, taken from the @dagger.io/dagger that
 * `moduleDir` installed (its own node_modules, as the runtime installs it): the module `name`
 * (dagger.json's) and its main object `mainObject`.
 */
export async function introspect(
  moduleDir: string,
  name = 'aichat',
  mainObject = 'Aichat',
): Promise<IntrospectedModule> {
  const src = join(moduleDir, 'src');
  const require = createRequire(join(moduleDir, 'package.json'));
  const sdkMain = require.resolve('@dagger.io/dagger');
  const introspector = join(dirname(sdkMain), 'module', 'introspector', 'index.js');
  const { scan } = (await import(pathToFileURL(introspector).href)) as {
    scan: (files: string[], name: string, load: boolean) => Promise<{ toJSON(): unknown }>;
  };
  // The engine's runtime hands the introspector the module's generated client.gen.ts, where core
  // types (Directory, Container, …) are declared; the npm package ships the same declarations as
  // client.gen.d.ts, so a copy under the expected name plays that part.
  const genDir = mkdtempSync(join(tmpdir(), 'aichat-introspect-'));
  const clientGen = join(genDir, 'client.gen.ts');
  copyFileSync(join(dirname(sdkMain), 'api', 'client.gen.d.ts'), clientGen);
  const core = new Set(
    [...readFileSync(clientGen, 'utf8').matchAll(/export declare class (\w+)/g)].map((m) => m[1]),
  );
  const files = readdirSync(src, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(src, f))
    .concat(clientGen);
  // load=false: the AST analysis is the registration; importing would need a live engine.
  const mod = await scan(files, name, false).finally(() =>
    rmSync(genDir, { recursive: true, force: true }),
  );
  const json = JSON.parse(JSON.stringify(mod)) as {
    description?: string;
    objects: Record<string, RegisteredObject>;
    enums?: Record<string, unknown>;
  };
  const main = json.objects[mainObject];
  if (!main) {
    throw new Error(`no ${mainObject} object; found ${Object.keys(json.objects).join(', ')}`);
  }
  // isCheck/isUp are not part of toJSON(): read them from the live objects.
  const live = (mod as unknown as { objects: Record<string, { methods: Record<string, Fn> }> })
    .objects[mainObject]?.methods;
  const sourceArg = main.constructor?.arguments.source;
  const known = (name: string): boolean =>
    core.has(name) || name in json.objects || name in (json.enums ?? {});
  return {
    description: json.description ?? '',
    danglingTypes: [
      ...new Set(
        Object.entries(json.objects).flatMap(([owner, o]) =>
          referencedTypes(o)
            .filter((t) => t.name !== undefined && (t.kind === 'INTERFACE_KIND' || !known(t.name)))
            .map((t) => `${owner} → ${t.name ?? '?'}`),
        ),
      ),
    ],
    constructorArguments: args(main.constructor?.arguments ?? {}),
    constructorSource: { defaultPath: sourceArg?.defaultPath, ignore: sourceArg?.ignore },
    functions: Object.values(main.methods).map((m) => ({
      name: m.name,
      cliName: kebab(m.name),
      description: m.description,
      returnType: typeName(m.returnType),
      isCheck: live?.[m.name]?.isCheck ?? false,
      isUp: live?.[m.name]?.isUp ?? false,
      arguments: args(m.arguments),
    })),
  };
}

/** Every type an object's constructor, functions and fields refer to, list element types included. */
function referencedTypes(o: RegisteredObject): TypeDef[] {
  const args = [
    o.constructor?.arguments ?? {},
    ...Object.values(o.methods).map((f) => f.arguments),
  ];
  return [
    ...args.flatMap((a) => Object.values(a).map((x) => x.type)),
    ...Object.values(o.methods).map((f) => f.returnType),
    ...Object.values(o.properties ?? {}).map((p) => p.type),
  ].flatMap(function unwrap(t: TypeDef | undefined): TypeDef[] {
    if (t === undefined) return [];
    return [t, ...unwrap(t.typeDef)];
  });
}

/** A `dagger functions`-style listing, plus each function's arguments. */
export function renderListing(mod: IntrospectedModule): string {
  const width = Math.max(...mod.functions.map((f) => f.cliName.length)) + 2;
  const lines = ['Name'.padEnd(width) + 'Description'];
  for (const f of mod.functions) {
    const marks = [f.isCheck ? '@check' : '', f.isUp ? '@up' : ''].filter(Boolean).join(' ');
    const first = (f.description.split('\n\n')[0] ?? '').replace(/\s+/g, ' ');
    lines.push(`${f.cliName.padEnd(width)}${first}`);
    const argText = f.arguments
      .map(
        (a) =>
          `--${a.cliName} ${a.type}${a.optional || a.default !== undefined ? '' : ' (required)'}`,
      )
      .join(', ');
    lines.push(
      `${''.padEnd(width)}  → ${f.returnType}${marks ? ` ${marks}` : ''}${argText ? `; ${argText}` : ''}`,
    );
  }
  return lines.join('\n');
}
