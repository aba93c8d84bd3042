/**
 * Accounts and sessions: register, login, logout, and `authenticateToken`, which the REST
 * middleware and the WebSocket upgrade both use to turn a token into a user.
 */
import { ConflictError, UnauthenticatedError } from '../errors/index.js';
import type { User, UserStore } from '../users/store.js';
import { hashPassword, verifyPassword } from './passwords.js';
import type { SessionStore } from './session-store.js';
import { generateToken, hashToken } from './tokens.js';

/** A signed-in session as the API returns it. */
export interface SessionGrant {
  user: User;
  token: string;
  expiresAt: Date;
}

/** The user behind a valid token. */
export interface Authenticated {
  user: User;
  sessionId: string;
  expiresAt: Date;
}

/** Registration, login, logout and token checks. */
export class AuthService {
  // Verified against when the username is unknown, so a login takes as long either way.
  private dummyHash: Promise<string> | undefined;

  constructor(
    private readonly users: UserStore,
    private readonly sessions: SessionStore,
    private readonly sessionTtlMs: number,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** Creates an account and signs it in; 409 `username_taken` when the name exists. */
  async register(username: string, password: string): Promise<SessionGrant> {
    if (await this.users.findForLogin(username)) throw usernameTaken();
    const passwordHash = await hashPassword(password);
    let user: User;
    try {
      user = await this.users.create(username, passwordHash);
    } catch (err) {
      // A concurrent registration won the race for the name.
      if (await this.users.findForLogin(username)) throw usernameTaken();
      throw err;
    }
    return this.startSession(user);
  }

  /** Signs in; 401 `invalid_credentials` for an unknown name or a wrong password alike. */
  async login(username: string, password: string): Promise<SessionGrant> {
    const found = await this.users.findForLogin(username);
    this.dummyHash ??= hashPassword('not-a-real-password');
    const ok = await verifyPassword(found?.passwordHash ?? (await this.dummyHash), password);
    if (!found || !ok) throw new UnauthenticatedError('invalid_credentials');
    return this.startSession(found.user);
  }

  /** Ends the session of this token (no error when it is already gone). */
  async logout(token: string): Promise<void> {
    await this.sessions.deleteByTokenHash(hashToken(token));
  }

  /**
   * The user behind a session token. Throws 401 `unauthenticated` for an unknown token and
   * `session_expired` (deleting the session) once it has expired.
   * @example const { user } = await auth.authenticateToken(token)
   */
  async authenticateToken(token: string | undefined): Promise<Authenticated> {
    if (!token || token.length > 512) throw new UnauthenticatedError();
    const hash = hashToken(token);
    const session = await this.sessions.findByTokenHash(hash);
    if (!session) throw new UnauthenticatedError();
    if (session.expiresAt.getTime() <= this.clock().getTime()) {
      await this.sessions.deleteByTokenHash(hash);
      throw new UnauthenticatedError('session_expired');
    }
    return { user: session.user, sessionId: session.sessionId, expiresAt: session.expiresAt };
  }

  private async startSession(user: User): Promise<SessionGrant> {
    const token = generateToken();
    const expiresAt = new Date(this.clock().getTime() + this.sessionTtlMs);
    await this.sessions.create(user.id, hashToken(token), expiresAt);
    return { user, token, expiresAt };
  }
}

function usernameTaken(): ConflictError {
  return new ConflictError('username_taken', 'That username is taken.');
}
