import assert from 'node:assert/strict';
import { toErrorResponse } from '../../src/errors/index.js';
import { migrateLatest } from '../../src/db/index.js';
import { SessionStore } from '../../src/auth/session-store.js';
import { createChatStore } from '../../src/chat/store.js';
import { ConversationStore } from '../../src/conversations/store.js';
import { MessageStore } from '../../src/messages/store.js';
import { TokenUsageStore } from '../../src/ratelimit/usage-store.js';
import { UserStore } from '../../src/users/store.js';
import { forEachDatabase } from '../support/db.js';

forEachDatabase('stores', (ctx) => {
  let users: UserStore;
  let conversations: ConversationStore;
  let messages: MessageStore;
  let alice: string;
  let bob: string;

  before(async () => {
    users = new UserStore(ctx.db);
    conversations = new ConversationStore(ctx.db);
    messages = new MessageStore(ctx.db);
    alice = (await users.create('Alice', 'hash-a')).id;
    bob = (await users.create('bob', 'hash-b')).id;
  });

  it('migrations are idempotent', async () => {
    assert.deepEqual(await migrateLatest(ctx.db), []);
    for (const table of ['users', 'sessions', 'conversations', 'messages', 'token_usage_daily']) {
      assert.equal(await ctx.db.schema.hasTable(table), true, table);
    }
  });

  describe('users', () => {
    it('finds users case-insensitively and rejects a taken name with a unique violation', async () => {
      const found = await users.findForLogin('alice');
      assert.deepEqual(found, { user: { id: alice, username: 'Alice' }, passwordHash: 'hash-a' });
      assert.deepEqual(await users.findById(bob), { id: bob, username: 'bob' });
      assert.equal(await users.findById('00000000-0000-4000-8000-000000000000'), undefined);
      const err = await users.create('ALICE', 'x').then(
        () => assert.fail('duplicate accepted'),
        (e: unknown) => e,
      );
      assert.equal(toErrorResponse(err).status, 409);
    });
  });

  describe('sessions', () => {
    it('stores, finds, deletes and expires sessions by token hash', async () => {
      const sessions = new SessionStore(ctx.db);
      const future = new Date(Date.now() + 60_000);
      await sessions.create(alice, 'a'.repeat(64), future);
      await sessions.create(alice, 'b'.repeat(64), new Date(Date.now() - 1000));
      const found = await sessions.findByTokenHash('a'.repeat(64));
      assert.equal(found?.user.username, 'Alice');
      assert.equal(found?.expiresAt.getTime(), future.getTime());
      assert.equal(await sessions.deleteExpired(), 1);
      assert.equal(await sessions.findByTokenHash('b'.repeat(64)), undefined);
      assert.equal(await sessions.deleteByTokenHash('a'.repeat(64)), true);
      assert.equal(await sessions.deleteByTokenHash('a'.repeat(64)), false);
    });
  });

  describe('conversations', () => {
    it('creates, reads, updates and deletes only within the owner', async () => {
      const c = await conversations.create(alice, {
        title: 'Hello',
        model: 'echo',
        systemPrompt: null,
      });
      assert.equal((await conversations.get(alice, c.id))?.title, 'Hello');
      assert.equal(await conversations.get(bob, c.id), undefined);
      assert.equal(await conversations.update(bob, c.id, { title: 'stolen' }), undefined);
      assert.equal(await conversations.delete(bob, c.id), false);
      const renamed = await conversations.update(alice, c.id, {
        title: 'Renamed',
        systemPrompt: 'Be brief',
      });
      assert.equal(renamed?.title, 'Renamed');
      assert.equal(renamed?.systemPrompt, 'Be brief');
      assert.ok(renamed && renamed.updatedAt >= c.updatedAt);
      assert.equal(await conversations.delete(alice, c.id), true);
      assert.equal(await conversations.get(alice, c.id), undefined);
    });

    it('lists newest first across pages and filters titles literally', async () => {
      const owner = (await users.create('lister', 'h')).id;
      const titles = ['alpha', 'beta 50%', 'gamma', 'delta_x', 'Alphabet', 'epsilon', 'deltaYx'];
      for (const title of titles) {
        await conversations.create(owner, { title, model: 'echo', systemPrompt: null });
        // Distinct timestamps: same-millisecond rows are ordered by id, not by creation.
        await new Promise((r) => setTimeout(r, 3));
      }
      const seen: string[] = [];
      let cursor: string | undefined;
      for (;;) {
        const page = await conversations.list(owner, { limit: 3, cursor });
        seen.push(...page.items.map((i) => i.title));
        if (!page.nextCursor) break;
        cursor = page.nextCursor;
      }
      assert.deepEqual(seen, [...titles].reverse());
      const alpha = await conversations.list(owner, { limit: 10, q: 'ALPHA' });
      assert.deepEqual(
        alpha.items.map((i) => i.title),
        ['Alphabet', 'alpha'],
      );
      const pct = await conversations.list(owner, { limit: 10, q: '50%' });
      assert.deepEqual(
        pct.items.map((i) => i.title),
        ['beta 50%'],
      );
      const underscore = await conversations.list(owner, { limit: 10, q: 'delta_' });
      assert.deepEqual(
        underscore.items.map((i) => i.title),
        ['delta_x'],
      );
      assert.equal((await conversations.list(alice, { limit: 10, q: 'gamma' })).items.length, 0);
    });
  });

  describe('messages', () => {
    it('stores the user message with its empty reply, once per clientMessageId (per conversation)', async () => {
      const c = await conversations.create(alice, {
        title: 't',
        model: 'echo',
        systemPrompt: null,
      });
      const first = await messages.insertExchange(c.id, { content: 'hi', clientMessageId: 'm1' });
      assert.ok(first.created);
      assert.deepEqual(
        [first.message.role, first.message.status, first.message.content],
        ['user', 'complete', 'hi'],
      );
      assert.deepEqual(
        [first.reply.role, first.reply.status, first.reply.content, first.reply.clientMessageId],
        ['assistant', 'streaming', '', null],
      );
      // One statement on PostgreSQL sees none of its own rows: the reply must still sort after.
      assert.ok(first.reply.createdAt > first.message.createdAt, 'the reply comes after');
      const again = await messages.insertExchange(c.id, { content: 'hi', clientMessageId: 'm1' });
      assert.equal(again.created, false);
      assert.equal(again.message.id, first.message.id);
      assert.deepEqual(
        (await messages.recent(c.id)).map((m) => m.id),
        [first.message.id, first.reply.id],
        'a resend stores nothing, no second reply either',
      );
      const other = await conversations.create(alice, {
        title: 'u',
        model: 'echo',
        systemPrompt: null,
      });
      const sameIdElsewhere = await messages.insertExchange(other.id, {
        content: 'hi',
        clientMessageId: 'm1',
      });
      assert.equal(sameIdElsewhere.created, true);
      const bumped = await conversations.get(alice, c.id);
      assert.ok(bumped && bumped.updatedAt >= first.reply.createdAt);
    });

    it('persists a streaming reply through flushes to its final status', async () => {
      const c = await conversations.create(alice, {
        title: 's',
        model: 'echo',
        systemPrompt: null,
      });
      const exchange = await messages.insertExchange(c.id, { content: 'q', clientMessageId: 'c1' });
      assert.ok(exchange.created);
      const { reply } = exchange;
      await messages.updateContent(reply.id, 'partial');
      assert.equal((await messages.get(reply.id))?.content, 'partial');
      const done = await messages.finish(reply.id, {
        status: 'complete',
        content: 'partial and final',
        usage: { promptTokens: 3, completionTokens: 4 },
      });
      assert.equal(done?.status, 'complete');
      assert.equal(done?.content, 'partial and final');
      assert.deepEqual(done?.usage, { promptTokens: 3, completionTokens: 4 });
      assert.equal(done?.error, null);
      // A late flush must not overwrite a finished reply.
      await messages.updateContent(reply.id, 'late');
      assert.equal((await messages.get(reply.id))?.content, 'partial and final');
      assert.equal((await messages.lastAssistantMessage(c.id))?.id, reply.id);

      const failed = await messages.createAssistantMessage(c.id);
      const f = await messages.finish(failed.id, {
        status: 'failed',
        error: { code: 'provider_timeout', message: 'timed out' },
      });
      assert.deepEqual(f?.error, { code: 'provider_timeout', message: 'timed out' });
      assert.equal(f?.usage, null);
      assert.equal((await messages.lastAssistantMessage(c.id))?.id, failed.id);
      assert.equal(await messages.delete(failed.id), true);
      assert.equal((await messages.lastAssistantMessage(c.id))?.id, reply.id);
      assert.deepEqual(
        (await messages.recent(c.id)).map((m) => m.role),
        ['user', 'assistant'],
      );
    });

    it('regenerate replaces the reply in one transaction: a failed insert keeps the old reply', async () => {
      const chat = createChatStore(conversations, messages);
      const c = await conversations.create(alice, {
        title: 'r',
        model: 'echo',
        systemPrompt: null,
      });
      const exchange = await chat.insertExchange(c.id, 'q', 'r1');
      assert.ok(exchange.created);
      const old = exchange.reply;
      await messages.finish(old.id, { status: 'complete', content: 'first' });
      const regenerate = () => chat.insertReply({ conversationId: c.id, replaces: old.id });
      // A real trigger makes the next assistant insert fail after the delete of `replaces` ran.
      const postgres = ctx.testDb.engine === 'postgres';
      if (postgres) {
        await ctx.db.raw(`CREATE FUNCTION refuse_reply() RETURNS trigger LANGUAGE plpgsql AS
          $$ BEGIN RAISE EXCEPTION 'insert refused'; END $$`);
        await ctx.db.raw(`CREATE TRIGGER refuse_reply BEFORE INSERT ON messages FOR EACH ROW
          WHEN (NEW.role = 'assistant') EXECUTE FUNCTION refuse_reply()`);
      } else {
        await ctx.db.raw(`CREATE TRIGGER refuse_reply BEFORE INSERT ON messages
          WHEN NEW.role = 'assistant' BEGIN SELECT RAISE(ABORT, 'insert refused'); END`);
      }
      try {
        await assert.rejects(regenerate(), /insert refused/);
      } finally {
        await ctx.db.raw('DROP TRIGGER refuse_reply' + (postgres ? ' ON messages' : ''));
        if (postgres) await ctx.db.raw('DROP FUNCTION refuse_reply()');
      }
      assert.equal((await messages.get(old.id))?.content, 'first', 'the old reply survived');
      const fresh = await regenerate();
      assert.deepEqual([fresh.status, fresh.content], ['streaming', '']);
      assert.equal(await messages.get(old.id), undefined, 'replaced once the insert succeeds');
      assert.deepEqual((await messages.recent(c.id)).map((m) => m.id).at(-1), fresh.id);
    });

    it('lists messages in order, paging backwards with before', async () => {
      const c = await conversations.create(alice, {
        title: 'p',
        model: 'echo',
        systemPrompt: null,
      });
      for (let i = 0; i < 4; i++) {
        const exchange = await messages.insertExchange(c.id, {
          content: `m${i}`,
          clientMessageId: `k${i}`,
        });
        if (exchange.created) {
          await messages.finish(exchange.reply.id, { status: 'complete', content: `r${i}` });
        }
      }
      const newest = await messages.list(alice, c.id, { limit: 3 });
      assert.deepEqual(
        newest?.items.map((m) => m.content),
        ['r2', 'm3', 'r3'],
      );
      const older = await messages.list(alice, c.id, {
        limit: 3,
        before: newest?.nextCursor ?? '',
      });
      assert.deepEqual(
        older?.items.map((m) => m.content),
        ['m1', 'r1', 'm2'],
      );
      const oldest = await messages.list(alice, c.id, {
        limit: 3,
        before: older?.nextCursor ?? '',
      });
      assert.deepEqual(
        oldest?.items.map((m) => m.content),
        ['m0', 'r0'],
      );
      assert.equal(oldest?.nextCursor, null);
      assert.equal(await messages.list(bob, c.id, { limit: 3 }), undefined);
    });

    /**
     * Turns of the event loop taken while `write` runs: SQLite writes synchronously, so a batch
     * in one transaction would take none. 300 replies are several chunks on either database.
     */
    async function turnsDuring(write: () => Promise<void>): Promise<number> {
      let turns = 0;
      let writing = true;
      const tick = () => {
        if (!writing) return;
        turns++;
        setImmediate(tick);
      };
      setImmediate(tick);
      await write();
      writing = false;
      return turns;
    }

    async function streamingReplies(n: number) {
      const c = await conversations.create(alice, {
        title: 'f',
        model: 'echo',
        systemPrompt: null,
      });
      const streaming = { conversationId: c.id, status: 'streaming' as const, content: '' };
      return messages.createReplies(Array.from({ length: n }, () => streaming));
    }

    it('a periodic save of many replies lets the event loop run between its transactions', async () => {
      const replies = await streamingReplies(300);
      const turns = await turnsDuring(() =>
        messages.updateContents(replies.map((r, i) => [r.id, `text ${i}`] as const)),
      );
      assert.ok(turns >= 3, `${turns} turns of the event loop during the save`);
      const saved = await Promise.all(replies.map((r) => messages.get(r.id)));
      assert.deepEqual(
        saved.map((m) => m?.content),
        replies.map((_, i) => `text ${i}`),
      );
    });

    it('final states of many replies are written with turns of the event loop between', async () => {
      const replies = await streamingReplies(300);
      const turns = await turnsDuring(() =>
        messages.finishReplies(
          replies.map((r, i) => ({
            id: r.id,
            content: `reply ${i}`,
            status: 'complete' as const,
            usage: { promptTokens: 1, completionTokens: i },
            error: null,
          })),
        ),
      );
      assert.ok(turns >= 3, `${turns} turns of the event loop during the write`);
      const saved = await Promise.all(replies.map((r) => messages.get(r.id)));
      assert.deepEqual(
        saved.map((m) => [m?.status, m?.content, m?.usage?.completionTokens]),
        replies.map((_, i) => ['complete', `reply ${i}`, i]),
      );
    });

    it('marks rows left streaming as interrupted (crash recovery)', async () => {
      const c = await conversations.create(alice, {
        title: 'r',
        model: 'echo',
        systemPrompt: null,
      });
      const a = await messages.createAssistantMessage(c.id);
      await messages.updateContent(a.id, 'half a rep');
      const n = await messages.markStreamingInterrupted();
      assert.ok(n >= 1);
      const after = await messages.get(a.id);
      assert.equal(after?.status, 'interrupted');
      assert.equal(after?.content, 'half a rep');
      assert.equal(await messages.markStreamingInterrupted(), 0);
    });

    it('deleting a conversation deletes its messages', async () => {
      const c = await conversations.create(alice, {
        title: 'd',
        model: 'echo',
        systemPrompt: null,
      });
      const m = await messages.insertExchange(c.id, { content: 'x', clientMessageId: 'd1' });
      assert.ok(m.created);
      await conversations.delete(alice, c.id);
      assert.equal(await messages.get(m.message.id), undefined);
      assert.equal(await messages.get(m.reply.id), undefined);
    });
  });

  describe('token usage', () => {
    it('adds up per user and day', async () => {
      const usage = new TokenUsageStore(ctx.db);
      await usage.add(alice, '2026-01-01', 10);
      await usage.add(alice, '2026-01-01', 32);
      await usage.add(alice, '2026-01-02', 5);
      await usage.add(bob, '2026-01-01', 0);
      assert.equal(await usage.get(alice, '2026-01-01'), 42);
      assert.equal(await usage.get(alice, '2026-01-02'), 5);
      assert.equal(await usage.get(bob, '2026-01-01'), 0);
    });
  });
});
