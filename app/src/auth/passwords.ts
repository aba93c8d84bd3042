/** Password hashing with argon2id (@node-rs/argon2, native, runs off the event loop). */
import { hash, verify } from '@node-rs/argon2';

/** Argon2id hash (PHC string) of a password. */
export async function hashPassword(password: string): Promise<string> {
  return hash(password);
}

/** True when the password matches the stored hash; false (never throws) on a malformed hash. */
export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}
