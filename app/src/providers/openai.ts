/**
 * The OpenAI provider: the official `openai` SDK with streaming and `include_usage`, against
 * api.openai.com or any OpenAI-compatible server (OPENAI_BASE_URL).
 *
 * The SDK's `timeout` covers the request until the response headers arrive; a stream that stalls
 * afterwards is caught by our own idle timer, which aborts the call and reports provider_timeout.
 * `listModels` reads GET /v1/models, so MODELS can be checked against what the provider serves.
 */
import OpenAI from 'openai';
import { classifyFailure, ProviderError } from './errors.js';
import type { Provider, ProviderEvent, ProviderRequest } from './types.js';

export interface OpenAIProviderOptions {
  apiKey: string;
  /** Base URL of an OpenAI-compatible API; the SDK default when unset. */
  baseURL?: string | undefined;
  /** Deadline for the response to start, and the longest silence allowed between chunks. */
  timeoutMs: number;
  /** SDK retries of failed requests (429/5xx/connection) before the stream starts. */
  maxRetries?: number;
}

class IdleTimeout extends Error {}

/** Creates the OpenAI provider. */
export function createOpenAIProvider(options: OpenAIProviderOptions): Provider {
  const client = new OpenAI({
    apiKey: options.apiKey,
    baseURL: options.baseURL,
    timeout: options.timeoutMs,
    maxRetries: options.maxRetries ?? 2,
  });
  const secrets = [options.apiKey];
  return {
    kind: 'openai',
    async listModels(signal: AbortSignal): Promise<string[] | undefined> {
      try {
        const ids: string[] = [];
        // A check, not a chat: one attempt, abandoned when the caller's deadline passes.
        for await (const model of client.models.list({ signal, maxRetries: 0 })) ids.push(model.id);
        return ids;
      } catch (err) {
        if (err instanceof OpenAI.NotFoundError) return undefined;
        throw toProviderError(err, { midStream: false, idleTimeout: false, secrets });
      }
    },
    async *stream(request: ProviderRequest, signal: AbortSignal): AsyncIterable<ProviderEvent> {
      // Our own controller: aborted by the caller's signal or by the idle timer.
      const controller = new AbortController();
      const onAbort = () => controller.abort(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      let idle: NodeJS.Timeout | undefined;
      const arm = () => {
        clearTimeout(idle);
        idle = setTimeout(() => controller.abort(new IdleTimeout()), options.timeoutMs);
      };
      let midStream = false;
      let finishReason: string | undefined;
      let usage: { promptTokens: number; completionTokens: number } | null = null;
      try {
        arm();
        const stream = await client.chat.completions.create(
          {
            model: request.model,
            messages: request.messages,
            stream: true,
            stream_options: { include_usage: true },
          },
          { signal: controller.signal },
        );
        for await (const chunk of stream) {
          arm();
          midStream = true;
          if (chunk.usage) {
            usage = {
              promptTokens: chunk.usage.prompt_tokens,
              completionTokens: chunk.usage.completion_tokens,
            };
          }
          const choice = chunk.choices[0];
          if (choice?.finish_reason) finishReason = choice.finish_reason;
          const text = choice?.delta?.content;
          if (text) yield { type: 'delta', text };
        }
      } catch (err) {
        if (signal.aborted) return;
        throw toProviderError(err, {
          midStream,
          idleTimeout: controller.signal.reason instanceof IdleTimeout,
          secrets,
        });
      } finally {
        clearTimeout(idle);
        signal.removeEventListener('abort', onAbort);
      }
      // The SDK ends iteration quietly on abort, so the reason is checked here, not in catch.
      if (signal.aborted) return;
      if (controller.signal.reason instanceof IdleTimeout) {
        throw new ProviderError('provider_timeout');
      }
      if (!finishReason) throw new ProviderError('provider_stream_cut');
      yield { type: 'done', usage, finishReason };
    },
  };
}

function toProviderError(
  err: unknown,
  at: { midStream: boolean; idleTimeout: boolean; secrets: readonly string[] },
): ProviderError {
  if (err instanceof ProviderError) return err;
  const { midStream, idleTimeout, secrets } = at;
  if (err instanceof OpenAI.APIError) {
    return classifyFailure(
      {
        status: err.status,
        retryAfter: err.headers?.get('retry-after'),
        timedOut: idleTimeout || err instanceof OpenAI.APIConnectionTimeoutError,
        midStream,
        message: upstreamMessage(err),
        secrets,
      },
      err,
    );
  }
  return classifyFailure({ timedOut: idleTimeout, midStream }, err);
}

/**
 * The provider's own words from an error answer: `error.message` of an OpenAI-shaped JSON body,
 * or a plain-text body (the SDK puts it after the status in `err.message`). HTML error pages of
 * proxies are not worth showing.
 */
function upstreamMessage(err: InstanceType<typeof OpenAI.APIError>): string | undefined {
  const body: unknown = err.error;
  if (typeof body === 'string') return body;
  if (body && typeof body === 'object') {
    const message = (body as { message?: unknown }).message;
    return typeof message === 'string' ? message : undefined;
  }
  const text = err.message.replace(/^\d{3} /, '');
  return text === 'status code (no body)' || /^\s*</.test(text) ? undefined : text;
}
