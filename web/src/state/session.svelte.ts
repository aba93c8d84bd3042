/** Who is signed in: checks the cookie session at start, signs in/up/out, notices expiry. */
import { ApiError, type ApiClient } from '../lib/api/rest.js';
import type { User } from '../lib/contract.js';
import { noticeText } from '../lib/chat/notices.js';

export type SessionStatus = 'checking' | 'anonymous' | 'signed-in';

/** The session state shared by the auth screen and the workspace. */
export class Session {
  user = $state<User | null>(null);
  status = $state<SessionStatus>('checking');
  /** Shown on the sign-in screen, e.g. after the session expired. */
  notice = $state<string | null>(null);

  constructor(private readonly api: ApiClient) {}

  /** Asks the backend whether the cookie still carries a session. */
  async check(): Promise<void> {
    try {
      this.signedIn(await this.api.me());
    } catch (err) {
      this.user = null;
      this.status = 'anonymous';
      if (err instanceof ApiError && err.code === 'session_expired') {
        this.notice = noticeText(err.code, err.message);
      } else if (!(err instanceof ApiError && err.status === 401)) {
        this.notice = 'Cannot reach the server. Check your connection and reload.';
      }
    }
  }

  /** Signs in or registers; throws an Error with a readable message on failure. */
  async authenticate(mode: 'login' | 'register', username: string, password: string) {
    try {
      const r =
        mode === 'login'
          ? await this.api.login(username, password)
          : await this.api.register(username, password);
      this.signedIn(r.user);
    } catch (err) {
      if (err instanceof ApiError)
        throw new Error(noticeText(err.code, err.message), { cause: err });
      throw new Error('Cannot reach the server. Try again.', { cause: err });
    }
  }

  /** Ends the session on the server and locally. */
  async logout(): Promise<void> {
    await this.api.logout().catch(() => {});
    this.user = null;
    this.status = 'anonymous';
    this.notice = null;
  }

  /** Called when the backend says the session is gone (REST 401 or socket unauthenticated). */
  expire(): void {
    if (this.status !== 'signed-in') return;
    this.user = null;
    this.status = 'anonymous';
    this.notice = noticeText('session_expired', '');
  }

  private signedIn(user: User): void {
    this.user = user;
    this.status = 'signed-in';
    this.notice = null;
  }
}
