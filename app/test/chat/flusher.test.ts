import assert from 'node:assert/strict';
import { ContentFlusher } from '../../src/chat/flusher.js';
import { ConversationStore } from '../../src/conversations/store.js';
import { MessageStore } from '../../src/messages/store.js';
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
    };
    const warnings: string[] = [];
    const flusher = new ContentFlusher(store, 30, {
      warn: (_o, m) => warnings.push(m),
      error: () => {},
    });
    flusher.mark(a.id, 'a1');
    flusher.mark(a.id, "a2 with 'quotes' and ? marks");
    flusher.mark(b.id, 'b1');
    flusher.mark(done.id, 'must not overwrite');
    await sleep(80);
    await flusher.settle(a.id);
    flusher.stop();
    assert.deepEqual(batches, [3], 'one batch with the latest text per reply');
    assert.equal((await messages.get(a.id))?.content, "a2 with 'quotes' and ? marks");
    assert.equal((await messages.get(b.id))?.content, 'b1');
    assert.equal((await messages.get(done.id))?.content, 'final');
    assert.deepEqual(warnings, []);
  });
});
