/* global __ENV, __VU, __ITER */
// aichat load test: an HTTP scenario (health, models, conversation list) and a WebSocket chat
// scenario (the /ws protocol v1: auth by token, chat.send, delta frames, message.completed).
// Run by `dagger call load-test`; targets only the ephemeral stack the pipeline starts.
import http from 'k6/http';
import { check, fail } from 'k6';
import { Counter, Rate, Trend } from 'k6/metrics';
import { WebSocket } from 'k6/websockets';

const BASE_URL = __ENV.BASE_URL || 'http://127.0.0.1:8080';
const WS_URL = BASE_URL.replace(/^http/, 'ws') + '/ws';
const VUS = Number(__ENV.VUS || 5);
const DURATION = __ENV.DURATION || '30s';
const OUT = __ENV.OUT_DIR || '.';

/** Time from chat.send to the first delta frame: the latency a user feels. */
const timeToFirstToken = new Trend('chat_time_to_first_token', true);
/** Time from chat.send to message.completed. */
const replyDuration = new Trend('chat_reply_duration', true);
const chatFailed = new Rate('chat_failed');
const errorFrames = new Counter('chat_error_frames');

export const options = {
  scenarios: {
    http: { executor: 'constant-vus', exec: 'browse', vus: VUS, duration: DURATION },
    chat: {
      executor: 'constant-vus',
      exec: 'chat',
      vus: Math.max(1, Math.ceil(VUS / 2)),
      duration: DURATION,
    },
  },
  thresholds: {
    http_req_duration: ['p(95)<500'],
    http_req_failed: ['rate<0.01'],
    chat_time_to_first_token: ['p(95)<1000'],
    chat_failed: ['rate<0.01'],
    checks: ['rate>0.99'],
  },
  summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)'],
};

const json = { headers: { 'content-type': 'application/json' } };

/** Registers one user per VU (usernames are unique per run) and returns its bearer token. */
function register() {
  const username = `load_${__VU}_${Date.now().toString(36)}`.slice(0, 32);
  const password = `pw-${Math.random().toString(36).slice(2)}-${Date.now()}`;
  const res = http.post(
    `${BASE_URL}/api/auth/register`,
    JSON.stringify({ username, password }),
    json,
  );
  if (!check(res, { 'register 201': (r) => r.status === 201 })) {
    fail(`register failed: ${res.status} ${res.body}`);
  }
  return res.json('token');
}

let token = null;
let conversationId = null;

function authed() {
  if (token === null) token = register();
  return { headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` } };
}

/** HTTP scenario: what a client does on page load. */
export function browse() {
  const params = authed();
  check(http.get(`${BASE_URL}/health`), { 'health 200': (r) => r.status === 200 });
  check(http.get(`${BASE_URL}/api/models`, params), { 'models 200': (r) => r.status === 200 });
  check(http.get(`${BASE_URL}/api/conversations?limit=20`, params), {
    'conversations 200': (r) => r.status === 200,
  });
}

/** WebSocket scenario: send one message and stream the reply. */
export function chat() {
  const params = authed();
  if (conversationId === null) {
    const res = http.post(
      `${BASE_URL}/api/conversations`,
      JSON.stringify({ title: 'load' }),
      params,
    );
    if (!check(res, { 'conversation 201': (r) => r.status === 201 })) return;
    conversationId = res.json('id');
  }
  const ws = new WebSocket(`${WS_URL}?token=${token}`, null, { headers: { Origin: BASE_URL } });
  let sentAt = 0;
  let firstToken = false;
  let done = false;
  const clientMessageId = `${__VU}-${__ITER}-${Date.now()}`;
  let timer = null;
  const finish = (ok) => {
    if (done) return;
    done = true;
    // A pending timer would keep the iteration alive until it fires.
    if (timer !== null) clearTimeout(timer);
    chatFailed.add(!ok);
    ws.close();
  };
  ws.onmessage = (event) => {
    const frame = JSON.parse(event.data);
    if (frame.type === 'ready') {
      sentAt = Date.now();
      ws.send(
        JSON.stringify({
          type: 'chat.send',
          conversationId,
          content: 'Hello from k6',
          clientMessageId,
        }),
      );
    } else if (frame.type === 'delta' && !firstToken) {
      firstToken = true;
      timeToFirstToken.add(Date.now() - sentAt);
    } else if (frame.type === 'message.completed') {
      replyDuration.add(Date.now() - sentAt);
      finish(frame.status === 'complete');
    } else if (frame.type === 'error') {
      errorFrames.add(1);
      // A reply still streaming from the previous iteration is not a failure of this one.
      finish(frame.code === 'busy');
    }
  };
  ws.onerror = () => finish(false);
  // Never hang: a reply that takes longer than 15 s counts as failed.
  timer = setTimeout(() => finish(false), 15000);
}

/** Writes summary.json (parsed by the pipeline's gate) next to k6's HTML dashboard export. */
export function handleSummary(data) {
  return { [`${OUT}/summary.json`]: JSON.stringify(data, null, 2) };
}
