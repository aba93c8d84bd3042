import assert from 'node:assert/strict';
import { ContentFlusher } from '../../src/chat/flusher.js';
import { ConversationStore } from '../../src/conversations/store.js';
import { MessageStore, type ReplyOutcome } from '../../src/messages/store.js';
import { UserStore } from '../../src/users/store.js';
import { forEachDatabase } from '../support/db.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

forEachDatabase('chat: batched content flush', (ctx) => {
  it('saves the latest text of every streaming reply in one batch, never a finished one', async () => {
    const user = await new UserStore(ctx.db).create(`f${Date.now()}`, 'h');
    const conv = await new ConversationStore(ctx.db).create(user.id, {
      title: 't',
      model: 'echo',
      systemPrompt: null,
    });
    const messages = new MessageStore(ctx.db);
    const rows = [];
    for (let i = 0; i < 3; i++) rows.push(await messages.createAssistantMessage(conv.id));
    const [a, b, done] = rows as [(typeof rows)[0], (typeof rows)[0], (typeof rows)[0]];
    await messages.finish(done.id, { status: 'complete', content: 'final' });

    const batches: number[] = [];
    const store = {
      updateContents: async (batch: ReadonlyArray<readonly [string, string]>) => {
        batches.push(batch.length);
        await messages.updateContents(batch);
      },
      finishReplies: (batch: readonly ReplyOutcome[]) => messages.finishReplies(batch),
    };
    const warnings: string[] = [];
    const flusher = new ContentFlusher(store, 30, {
      warn: (_o, m) => warnings.push(m),
      error: () => {},
    });
    flusher.draft(a.id).unsaved = 'a1';
    flusher.draft(a.id).unsaved = "a2 with 'quotes' and ? marks";
    flusher.draft(b.id).unsaved = 'b1';
    flusher.draft(done.id).unsaved = 'must not overwrite';
    await sleep(80);
    await flusher.settle(a.id);
    flusher.stop();
    assert.deepEqual(batches, [3], 'one batch with the latest text per reply');
    assert.equal((await messages.get(a.id))?.content, "a2 with 'quotes' and ? marks");
    assert.equal((await messages.get(b.id))?.content, 'b1');
    assert.equal((await messages.get(done.id))?.content, 'final');
    assert.deepEqual(warnings, []);
  });

  it('writes the final states of the replies ending in one turn in one batch, once each', async () => {
    const user = await new UserStore(ctx.db).create(`g${Date.now()}`, 'h');
    const conv = await new ConversationStore(ctx.db).create(user.id, {
      title: 't',
      model: 'echo',
      systemPrompt: null,
    });
    const messages = new MessageStore(ctx.db);
    const calls: string[] = [];
    const store = {
      updateContents: async (batch: ReadonlyArray<readonly [string, string]>) => {
        calls.push(`update ${batch.length}`);
        await messages.updateContents(batch);
      },
      finishReplies: (batch: readonly ReplyOutcome[]) => {
        calls.push(`finish ${batch.length}`);
        return messages.finishReplies(batch);
      },
    };
    const flusher = new ContentFlusher(store, 10_000, { warn: () => {}, error: () => {} });
    const streaming = { conversationId: conv.id, status: 'streaming' as const, content: '' };
    const [ida, idb] = (await messages.createReplies([streaming, streaming])).map((m) => m.id);
    assert.ok(ida && idb);

    flusher.draft(ida).unsaved = 'a partial';
    const usage = { promptTokens: 3, completionTokens: 4 };
    await Promise.all([
      flusher.finish({ id: ida, status: 'complete', content: 'a final', usage, error: null }),
      flusher.finish({
        id: idb,
        status: 'failed',
        content: 'b',
        usage: null,
        error: { code: 'provider_stream_cut', message: 'cut' },
      }),
    ]);
    flusher.stop();
    assert.deepEqual(
      calls,
      ['finish 2'],
      'the unsaved draft is dropped, the final state written once',
    );
    const fa = await messages.get(ida);
    assert.deepEqual([fa?.status, fa?.content, fa?.usage], ['complete', 'a final', usage]);
    const fb = await messages.get(idb);
    assert.deepEqual(
      [fb?.status, fb?.content, fb?.error?.code],
      ['failed', 'b', 'provider_stream_cut'],
    );
  });
});

describe('chat: periodic saves of reply content', () => {
  it('starts the next periodic save an interval after the previous one ended, not before', async () => {
    // Saves slower than the interval (a long reply on SQLite): on a fixed interval they ran
    // back to back and the event loop between them passed one token per save.
    const spans: Array<[number, number]> = [];
    const store = {
      updateContents: async () => {
        const start = performance.now();
        await sleep(60);
        spans.push([start, performance.now()]);
      },
      finishReplies: async () => {},
    };
    const flusher = new ContentFlusher(store, 20, { warn: () => {}, error: () => {} });
    const draft = flusher.draft('m');
    const marking = setInterval(() => (draft.unsaved = String(performance.now())), 5);
    await sleep(400);
    clearInterval(marking);
    flusher.stop();
    await flusher.settle('m');
    assert.ok(spans.length >= 3, `${spans.length} saves`);
    for (let i = 1; i < spans.length; i++) {
      const gap = (spans[i] as [number, number])[0] - (spans[i - 1] as [number, number])[1];
      // Timers may fire up to a millisecond early (rounding).
      assert.ok(gap >= 19, `save ${i} started ${gap.toFixed(1)} ms after the previous ended`);
    }
  });

  it('saves a draft only while its reply streams: text written after the final state is not saved', async () => {
    const saved: string[] = [];
    const store = {
      updateContents: async (batch: ReadonlyArray<readonly [string, string]>) => {
        for (const [id, text] of batch) saved.push(`${id}=${text}`);
      },
      finishReplies: async () => {},
    };
    const flusher = new ContentFlusher(store, 20, { warn: () => {}, error: () => {} });
    const a = flusher.draft('a');
    const b = flusher.draft('b');
    assert.equal(flusher.draft('a'), a, 'one draft per reply');
    a.unsaved = 'a1';
    await sleep(60);
    a.unsaved = 'a2';
    b.unsaved = 'b1';
    await flusher.finish({ id: 'a', status: 'complete', content: 'a2', usage: null, error: null });
    a.unsaved = 'a late';
    await sleep(60);
    flusher.stop();
    assert.deepEqual(saved, ['a=a1', 'b=b1']);
  });
});
