/**
 * The offline `echo` provider: streams a deterministic reply built from the last user turn, word by
 * word, so the app works without an API key and tests get predictable streams. `tokenDelayMs`
 * paces the tokens (0 = as fast as possible, still yielding to the event loop between tokens).
 */
import { setImmediate as nextTick, setTimeout as sleep } from 'node:timers/promises';
import type { Provider, ProviderEvent, ProviderRequest } from './types.js';

export interface EchoOptions {
  /** Delay between tokens in milliseconds. */
  tokenDelayMs?: number;
}

/** The reply the echo model gives to a conversation: the last user turn, prefixed. */
export function echoReply(request: ProviderRequest): string {
  const last = [...request.messages].reverse().find((m) => m.role === 'user');
  return `Echo: ${last?.content ?? ''}`;
}

/** Splits text into word tokens that keep their leading whitespace, so joining restores it. */
export function tokenize(text: string): string[] {
  return text.match(/\s*\S+|\s+$/g) ?? [];
}

/** Rough token count used for echo usage figures: one per word. */
function countWords(text: string): number {
  return tokenize(text).length;
}

/** Creates the echo provider. */
export function createEchoProvider(options: EchoOptions = {}): Provider {
  const delay = options.tokenDelayMs ?? 0;
  return {
    kind: 'echo',
    async *stream(request: ProviderRequest, signal: AbortSignal): AsyncIterable<ProviderEvent> {
      const tokens = tokenize(echoReply(request));
      for (const text of tokens) {
        if (signal.aborted) return;
        if (delay > 0) await sleep(delay, undefined, { signal }).catch(() => undefined);
        else await nextTick();
        if (signal.aborted) return;
        yield { type: 'delta', text };
      }
      const promptTokens = request.messages.reduce((n, m) => n + countWords(m.content), 0);
      yield {
        type: 'done',
        usage: { promptTokens, completionTokens: tokens.length },
        finishReason: 'stop',
      };
    },
  };
}
