/**
 * Routes declared once: each definition carries its zod schemas for params, query and body, and
 * the same definition both validates requests and feeds the OpenAPI document, so the document
 * cannot drift from what the server accepts.
 */
import Router from '@koa/router';
import { OpenAPIRegistry, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import type { Middleware, ParameterizedContext } from 'koa';
import { z, type ZodType } from 'zod';
import { ValidationError } from '../errors/index.js';
import { zodDetails } from '../errors/map.js';
import { ErrorBodySchema } from './schemas.js';

type Method = 'get' | 'post' | 'patch' | 'put' | 'delete';
type AnyObject = z.ZodType<Record<string, unknown>>;

/** One response of a route, for the OpenAPI document. */
export interface ResponseSpec {
  description: string;
  schema?: ZodType;
  /** Defaults to application/json when a schema is given. */
  contentType?: string;
}

/** A route: its contract (schemas, responses) and its handler. */
export interface RouteDef<P extends AnyObject, Q extends AnyObject, B extends ZodType> {
  method: Method;
  /** Koa path ("/api/conversations/:id"). */
  path: string;
  summary: string;
  tag: string;
  /** Requires a signed-in user (cookie or Bearer). */
  auth?: boolean;
  params?: P;
  query?: Q;
  body?: B;
  responses: Record<number, ResponseSpec>;
  /** Runs before validation and the handler (after authentication). */
  middleware?: Middleware[];
  handler: (
    ctx: ParameterizedContext,
    input: { params: z.output<P>; query: z.output<Q>; body: z.output<B> },
  ) => Promise<void> | void;
}

/** Hooks the router applies to routes marked `auth` (authentication, per-user limit). */
export interface ApiRouterOptions {
  authMiddleware: Middleware[];
  /** Extra middleware for authenticated writes (POST/PATCH/PUT/DELETE). */
  writeMiddleware?: Middleware[];
}

const ERROR_RESPONSES: Record<number, string> = {
  400: 'Invalid input (code validation_failed, invalid_json)',
  413: 'Request body larger than 64 KB',
  429: 'Rate limited; see Retry-After',
};

function parsePart<S extends ZodType>(schema: S | undefined, value: unknown, part: string) {
  if (!schema) return undefined;
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new ValidationError(zodDetails(parsed.error, part));
  return parsed.data;
}

/** A koa router plus the OpenAPI registry of everything added to it. */
export class ApiRouter {
  readonly router = new Router();
  readonly registry = new OpenAPIRegistry();
  /** "METHOD /koa/path" of every route, in order (tests compare it with the document). */
  readonly routes: string[] = [];

  constructor(private readonly options: ApiRouterOptions) {
    this.registry.registerComponent('securitySchemes', 'cookie', {
      type: 'apiKey',
      in: 'cookie',
      name: 'aichat_session',
    });
    this.registry.registerComponent('securitySchemes', 'bearer', {
      type: 'http',
      scheme: 'bearer',
    });
  }

  /** Adds a route: registers it on the koa router and in the OpenAPI registry. */
  add<
    P extends AnyObject = z.ZodObject<Record<never, never>>,
    Q extends AnyObject = z.ZodObject<Record<never, never>>,
    B extends ZodType = z.ZodUndefined,
  >(def: RouteDef<P, Q, B>): this {
    const chain: Middleware[] = [];
    if (def.auth) {
      chain.push(...this.options.authMiddleware);
      if (def.method !== 'get') chain.push(...(this.options.writeMiddleware ?? []));
    }
    chain.push(...(def.middleware ?? []));
    chain.push(async (ctx) => {
      const input = {
        params: parsePart(def.params, ctx.params, 'params') ?? {},
        query: parsePart(def.query, ctx.query, 'query') ?? {},
        body: parsePart(def.body, (ctx.request as { body?: unknown }).body, 'body'),
      } as { params: z.output<P>; query: z.output<Q>; body: z.output<B> };
      await def.handler(ctx, input);
    });
    this.router[def.method](def.path, ...chain);
    this.routes.push(`${def.method.toUpperCase()} ${def.path}`);
    this.registry.registerPath(this.toOpenApi(def));
    return this;
  }

  private toOpenApi<P extends AnyObject, Q extends AnyObject, B extends ZodType>(
    def: RouteDef<P, Q, B>,
  ): RouteConfig {
    const responses: RouteConfig['responses'] = {};
    for (const [status, spec] of Object.entries(def.responses)) {
      responses[status] = spec.schema
        ? {
            description: spec.description,
            content: { [spec.contentType ?? 'application/json']: { schema: spec.schema } },
          }
        : { description: spec.description };
    }
    const errors: Record<number, string> = { ...ERROR_RESPONSES };
    if (def.auth) errors[401] = 'Not signed in (unauthenticated, session_expired)';
    if (def.method !== 'get') {
      errors[403] = 'Signed in by cookie from an origin not allowed (origin_not_allowed)';
    }
    if (!def.params && !def.query && !def.body) delete errors[400];
    if (!def.body) delete errors[413];
    for (const [status, description] of Object.entries(errors)) {
      responses[status] ??= {
        description,
        content: { 'application/json': { schema: ErrorBodySchema } },
      };
    }
    const request: RouteConfig['request'] = {};
    if (def.params) request.params = def.params as unknown as z.ZodObject;
    if (def.query) request.query = def.query as unknown as z.ZodObject;
    if (def.body)
      request.body = { required: true, content: { 'application/json': { schema: def.body } } };
    return {
      method: def.method,
      path: def.path.replace(/:(\w+)/g, '{$1}'),
      summary: def.summary,
      tags: [def.tag],
      request,
      responses,
      ...(def.auth ? { security: [{ cookie: [] }, { bearer: [] }] } : {}),
    };
  }
}
