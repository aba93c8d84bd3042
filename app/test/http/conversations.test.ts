import assert from 'node:assert/strict';
import { createTestApp, signUp, type TestApp } from '../support/app.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const MISSING = '8f0e4c1a-3b7d-4e2f-9a6b-1c2d3e4f5a6b';

for (const engine of ['postgres', 'sqlite'] as const) {
  describe(`REST conversations and messages [${engine}]`, () => {
    let t: TestApp;
    let a: Awaited<ReturnType<typeof signUp>>;
    let b: Awaited<ReturnType<typeof signUp>>;

    before(async () => {
      t = await createTestApp(engine);
      a = await signUp(t, 'user_a');
      b = await signUp(t, 'user_b');
    });
    after(() => t.close());

    it('creates with defaults, reads, renames, changes and deletes', async () => {
      const created = await t.http().post('/api/conversations').set(a.auth).send({});
      assert.equal(created.status, 201);
      const c = created.body;
      assert.equal(c.title, 'New chat');
      assert.equal(c.model, 'echo');
      assert.equal(c.systemPrompt, null);
      assert.ok(!Number.isNaN(Date.parse(c.createdAt)));
      assert.equal(c.createdAt, c.updatedAt);

      const got = await t.http().get(`/api/conversations/${c.id}`).set(a.auth);
      assert.deepEqual(got.body, c);

      await sleep(5);
      const renamed = await t
        .http()
        .patch(`/api/conversations/${c.id}`)
        .set(a.auth)
        .send({ title: '  Trip plans  ' });
      assert.equal(renamed.status, 200);
      assert.equal(renamed.body.title, 'Trip plans');
      assert.ok(renamed.body.updatedAt > c.updatedAt);

      const prompt = await t
        .http()
        .patch(`/api/conversations/${c.id}`)
        .set(a.auth)
        .send({ systemPrompt: 'Answer in French.', model: 'echo' });
      assert.equal(prompt.body.systemPrompt, 'Answer in French.');
      assert.equal(prompt.body.title, 'Trip plans');
      const cleared = await t
        .http()
        .patch(`/api/conversations/${c.id}`)
        .set(a.auth)
        .send({ systemPrompt: null });
      assert.equal(cleared.body.systemPrompt, null);

      const del = await t.http().delete(`/api/conversations/${c.id}`).set(a.auth);
      assert.equal(del.status, 204);
      const gone = await t.http().get(`/api/conversations/${c.id}`).set(a.auth);
      assert.equal(gone.status, 404);
      assert.equal(gone.body.error.code, 'not_found');
      assert.equal((await t.http().delete(`/api/conversations/${c.id}`).set(a.auth)).status, 404);
    });

    it('creates with title, model and system prompt', async () => {
      const res = await t
        .http()
        .post('/api/conversations')
        .set(a.auth)
        .send({ title: 'Poems', model: 'echo', systemPrompt: 'Rhyme.' });
      assert.equal(res.status, 201);
      assert.equal(res.body.title, 'Poems');
      assert.equal(res.body.systemPrompt, 'Rhyme.');
    });

    it('lists newest first with cursor pagination and a title filter', async () => {
      const owner = await signUp(t, 'pager');
      const titles: string[] = [];
      for (let i = 0; i < 5; i++) {
        const title = i % 2 ? `Cooking ${i}` : `Travel ${i}`;
        titles.push(title);
        await t.http().post('/api/conversations').set(owner.auth).send({ title });
        await sleep(3);
      }
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const res: {
          status: number;
          body: { items: { title: string }[]; nextCursor: string | null };
        } = await t
          .http()
          .get('/api/conversations')
          .query(cursor ? { limit: 2, cursor } : { limit: 2 })
          .set(owner.auth);
        assert.equal(res.status, 200);
        assert.ok(res.body.items.length <= 2);
        seen.push(...res.body.items.map((c: { title: string }) => c.title));
        cursor = res.body.nextCursor;
        pages++;
      } while (cursor);
      assert.equal(pages, 3);
      assert.deepEqual(seen, [...titles].reverse());

      const cooking = await t.http().get('/api/conversations?q=cooking').set(owner.auth);
      assert.deepEqual(
        cooking.body.items.map((c: { title: string }) => c.title),
        ['Cooking 3', 'Cooking 1'],
      );
      assert.equal(cooking.body.nextCursor, null);

      // Activity moves a conversation to the top.
      const oldest = (await t.http().get('/api/conversations?limit=100').set(owner.auth)).body
        .items[4];
      await t
        .http()
        .patch(`/api/conversations/${oldest.id}`)
        .set(owner.auth)
        .send({ title: 'Top' });
      const top = await t.http().get('/api/conversations?limit=1').set(owner.auth);
      assert.equal(top.body.items[0].id, oldest.id);

      // Another user's list is separate.
      const other = await t.http().get('/api/conversations?q=cooking').set(b.auth);
      assert.equal(other.body.items.length, 0);
    });

    it('lists messages oldest to newest, paging back with before', async () => {
      const c = (await t.http().post('/api/conversations').set(a.auth).send({ title: 'm' })).body;
      for (let i = 0; i < 5; i++) {
        const r = await t.deps.messages.insertExchange(c.id, {
          content: `question ${i}`,
          clientMessageId: `cm-${i}`,
        });
        assert.ok(r.created);
        await t.deps.messages.finish(r.reply.id, {
          status: 'complete',
          content: `answer ${i}`,
          usage: { promptTokens: 2, completionTokens: 3 },
        });
      }
      const first = await t.http().get(`/api/conversations/${c.id}/messages?limit=4`).set(a.auth);
      assert.equal(first.status, 200);
      assert.deepEqual(
        first.body.items.map((m: { content: string }) => m.content),
        ['question 3', 'answer 3', 'question 4', 'answer 4'],
      );
      const reply = first.body.items[3];
      assert.equal(reply.role, 'assistant');
      assert.equal(reply.status, 'complete');
      assert.deepEqual(reply.usage, { promptTokens: 2, completionTokens: 3 });
      assert.equal(reply.error, null);
      assert.equal(first.body.items[0].clientMessageId, 'cm-3');
      const rest = await t
        .http()
        .get(`/api/conversations/${c.id}/messages`)
        .query({ limit: 50, before: first.body.nextCursor })
        .set(a.auth);
      assert.equal(rest.body.items.length, 6);
      assert.equal(rest.body.items[0].content, 'question 0');
      assert.equal(rest.body.nextCursor, null);
    });

    it("user B gets 404 for user A's conversation and cannot touch it", async () => {
      const c = (await t.http().post('/api/conversations').set(a.auth).send({ title: 'private' }))
        .body;
      await t.deps.messages.insertExchange(c.id, { content: 'secret', clientMessageId: 'x' });
      const attempts = [
        t.http().get(`/api/conversations/${c.id}`),
        t.http().patch(`/api/conversations/${c.id}`).send({ title: 'mine now' }),
        t.http().delete(`/api/conversations/${c.id}`),
        t.http().get(`/api/conversations/${c.id}/messages`),
      ];
      for (const req of attempts) {
        const res = await req.set(b.auth);
        assert.equal(res.status, 404);
        assert.deepEqual(Object.keys(res.body), ['error']);
        assert.equal(res.body.error.code, 'not_found');
        assert.ok(!res.text.includes('secret') && !res.text.includes('private'));
      }
      const still = await t.http().get(`/api/conversations/${c.id}`).set(a.auth);
      assert.equal(still.body.title, 'private');
      const msgs = await t.http().get(`/api/conversations/${c.id}/messages`).set(a.auth);
      assert.deepEqual(
        msgs.body.items.map((m: { role: string }) => m.role),
        ['user', 'assistant'],
      );
    });

    it('requires authentication on every conversation route', async () => {
      for (const [method, path] of [
        ['get', '/api/conversations'],
        ['post', '/api/conversations'],
        ['get', `/api/conversations/${MISSING}`],
        ['patch', `/api/conversations/${MISSING}`],
        ['delete', `/api/conversations/${MISSING}`],
        ['get', `/api/conversations/${MISSING}/messages`],
        ['get', '/api/models'],
      ] as const) {
        const res = await t.http()[method](path).send({});
        assert.equal(res.status, 401, `${method} ${path}`);
        assert.equal(res.body.error.code, 'unauthenticated');
      }
    });

    const badInputs: [
      string,
      'get' | 'post' | 'patch' | 'delete' | 'trace',
      string,
      unknown,
      number,
      string,
    ][] = [
      [
        'title too long',
        'post',
        '/api/conversations',
        { title: 'x'.repeat(201) },
        400,
        'validation_failed',
      ],
      ['empty title', 'post', '/api/conversations', { title: '   ' }, 400, 'validation_failed'],
      ['title not a string', 'post', '/api/conversations', { title: 7 }, 400, 'validation_failed'],
      [
        'unknown model',
        'post',
        '/api/conversations',
        { model: 'gpt-99' },
        400,
        'validation_failed',
      ],
      [
        'system prompt over 8 KB',
        'post',
        '/api/conversations',
        { systemPrompt: 'é'.repeat(4097) },
        400,
        'validation_failed',
      ],
      [
        'unknown field',
        'post',
        '/api/conversations',
        { owner: 'someone' },
        400,
        'validation_failed',
      ],
      ['empty patch', 'patch', '/api/conversations/:id', {}, 400, 'validation_failed'],
      [
        'patch title too long',
        'patch',
        '/api/conversations/:id',
        { title: 'y'.repeat(201) },
        400,
        'validation_failed',
      ],
      [
        'non-uuid id (get)',
        'get',
        '/api/conversations/not-a-uuid',
        undefined,
        400,
        'validation_failed',
      ],
      [
        'non-uuid id (delete)',
        'delete',
        "/api/conversations/1'%20OR%201=1",
        undefined,
        400,
        'validation_failed',
      ],
      [
        'non-uuid id (messages)',
        'get',
        '/api/conversations/123/messages',
        undefined,
        400,
        'validation_failed',
      ],
      ['limit zero', 'get', '/api/conversations?limit=0', undefined, 400, 'validation_failed'],
      ['limit huge', 'get', '/api/conversations?limit=100000', undefined, 400, 'validation_failed'],
      ['limit text', 'get', '/api/conversations?limit=ten', undefined, 400, 'validation_failed'],
      [
        'repeated limit',
        'get',
        '/api/conversations?limit=1&limit=2',
        undefined,
        400,
        'validation_failed',
      ],
      [
        'forged cursor',
        'get',
        '/api/conversations?cursor=bm90LWEtY3Vyc29y',
        undefined,
        400,
        'validation_failed',
      ],
      ['unknown query', 'get', '/api/conversations?sort=asc', undefined, 400, 'validation_failed'],
      [
        'q too long',
        'get',
        `/api/conversations?q=${'q'.repeat(201)}`,
        undefined,
        400,
        'validation_failed',
      ],
      [
        'messages bad before',
        'get',
        '/api/conversations/:id/messages?before=%25%25',
        undefined,
        400,
        'validation_failed',
      ],
      [
        'messages limit text',
        'get',
        '/api/conversations/:id/messages?limit=all',
        undefined,
        400,
        'validation_failed',
      ],
      [
        'NUL in title',
        'post',
        '/api/conversations',
        { title: 'a\u0000b' },
        400,
        'validation_failed',
      ],
      [
        'NUL in system prompt',
        'patch',
        '/api/conversations/:id',
        { systemPrompt: '\u0000' },
        400,
        'validation_failed',
      ],
      ['NUL in q', 'get', '/api/conversations?q=%00', undefined, 400, 'validation_failed'],
      [
        'cursor beyond the date range',
        'get',
        `/api/conversations?cursor=${Buffer.from('[8640000000000001,"x"]').toString('base64url')}`,
        undefined,
        400,
        'validation_failed',
      ],
      ['missing conversation', 'get', `/api/conversations/${MISSING}`, undefined, 404, 'not_found'],
      [
        'missing conversation patch',
        'patch',
        `/api/conversations/${MISSING}`,
        { title: 'x' },
        404,
        'not_found',
      ],
      [
        'missing conversation messages',
        'get',
        `/api/conversations/${MISSING}/messages`,
        undefined,
        404,
        'not_found',
      ],
      ['unknown api path', 'get', '/api/nothing-here', undefined, 404, 'not_found'],
      ['wrong method', 'delete', '/api/conversations', undefined, 405, 'method_not_allowed'],
      ['unknown method', 'trace', '/api/conversations', undefined, 405, 'method_not_allowed'],
    ];
    for (const [label, method, rawPath, body, status, code] of badInputs) {
      it(`answers ${status} ${code} for ${label}`, async () => {
        const c = (await t.http().post('/api/conversations').set(a.auth).send({})).body;
        const path = rawPath.replace(':id', c.id);
        const req = t.http()[method](path).set(a.auth);
        const res = body === undefined ? await req : await req.send(body as object);
        assert.equal(res.status, status, res.text);
        assert.equal(res.body.error.code, code);
      });
    }

    it('is still healthy after all that bad input', async () => {
      assert.equal((await t.http().get('/health')).status, 200);
      assert.equal((await t.http().get('/api/conversations').set(a.auth)).status, 200);
    });
  });
}
