/**
 * REST client for the backend's /api routes. Authentication rides on the httpOnly session
 * cookie (`credentials: 'include'`), so no token is kept in JavaScript-readable storage.
 */
import type {
  AuthResult,
  Conversation,
  ConversationPage,
  ConversationPatch,
  ErrorBody,
  Me,
  MessagePage,
  Models,
  NewConversation,
  User,
} from '../contract.js';

/** A non-2xx answer: the backend's stable error `code` plus the HTTP status. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Seconds from a 429's Retry-After header, when given. */
    readonly retryAfter: number | null = null,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Turns a failed response into an ApiError, tolerating bodies that are not the JSON error shape. */
export async function toApiError(res: Response): Promise<ApiError> {
  let code = `http_${res.status}`;
  let message = res.statusText || `Request failed (${res.status})`;
  try {
    // Partial: a proxy in between may answer JSON of another shape.
    const body = (await res.json()) as Partial<ErrorBody>;
    if (body.error?.code) code = body.error.code;
    if (body.error?.message) message = body.error.message;
  } catch {
    // Not JSON (proxy error page, empty body): keep the status-derived code.
  }
  const retry = Number(res.headers.get('retry-after'));
  return new ApiError(
    res.status,
    code,
    message,
    Number.isFinite(retry) && retry > 0 ? retry : null,
  );
}

type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

/** Typed calls to the backend REST API. */
export class ApiClient {
  /**
   * @param onUnauthenticated called when a signed-in call answers 401 (session expired or
   *   logged out elsewhere), so the UI can return to the sign-in screen with a notice.
   */
  constructor(
    private readonly baseUrl: string,
    private readonly fetchImpl: FetchLike = (input, init) => fetch(input, init),
    private readonly onUnauthenticated: (err: ApiError) => void = () => {},
  ) {}

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const init: RequestInit = { method, credentials: 'include', headers: {} };
    if (body !== undefined) {
      init.headers = { 'content-type': 'application/json' };
      init.body = JSON.stringify(body);
    }
    const res = await this.fetchImpl(`${this.baseUrl}${path}`, init);
    if (!res.ok) {
      const err = await toApiError(res);
      if (err.status === 401 && !path.startsWith('/api/auth/')) this.onUnauthenticated(err);
      throw err;
    }
    if (res.status === 204) return undefined as T;
    return (await res.json()) as T;
  }

  /** Creates an account and starts a session (cookie). */
  register(username: string, password: string): Promise<AuthResult> {
    return this.request('POST', '/api/auth/register', { username, password });
  }

  /** Starts a session (cookie) for an existing account. */
  login(username: string, password: string): Promise<AuthResult> {
    return this.request('POST', '/api/auth/login', { username, password });
  }

  /** Ends the session. */
  logout(): Promise<void> {
    return this.request('POST', '/api/auth/logout');
  }

  /** The signed-in user; rejects with ApiError 401 when there is no valid session. */
  async me(): Promise<User> {
    const { user } = await this.request<Me>('GET', '/api/auth/me');
    return user;
  }

  /** One page of conversations, newest first, optionally filtered by title. */
  listConversations(opts: { cursor?: string | null; q?: string; limit?: number } = {}) {
    const params = new URLSearchParams({ limit: String(opts.limit ?? 20) });
    if (opts.cursor) params.set('cursor', opts.cursor);
    if (opts.q) params.set('q', opts.q);
    return this.request<ConversationPage>('GET', `/api/conversations?${params}`);
  }

  /** Creates a conversation. */
  createConversation(input: NewConversation = {}): Promise<Conversation> {
    return this.request('POST', '/api/conversations', input);
  }

  /** Reads one conversation (404 not_found for someone else's). */
  getConversation(id: string): Promise<Conversation> {
    return this.request('GET', `/api/conversations/${encodeURIComponent(id)}`);
  }

  /** Renames or reconfigures a conversation. */
  updateConversation(id: string, patch: ConversationPatch): Promise<Conversation> {
    return this.request('PATCH', `/api/conversations/${encodeURIComponent(id)}`, patch);
  }

  /** Deletes a conversation with its messages. */
  deleteConversation(id: string): Promise<void> {
    return this.request('DELETE', `/api/conversations/${encodeURIComponent(id)}`);
  }

  /** One page of messages, oldest → newest; `before` pages further back. */
  listMessages(id: string, opts: { before?: string | null; limit?: number } = {}) {
    const params = new URLSearchParams({ limit: String(opts.limit ?? 50) });
    if (opts.before) params.set('before', opts.before);
    return this.request<MessagePage>(
      'GET',
      `/api/conversations/${encodeURIComponent(id)}/messages?${params}`,
    );
  }

  /** Models the backend offers and the default one. */
  models(): Promise<Models> {
    return this.request('GET', '/api/models');
  }
}
