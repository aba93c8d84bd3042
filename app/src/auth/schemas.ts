/** Auth request and response shapes (validation and OpenAPI). */
import { z } from 'zod';
import { PASSWORD_CHARS, USERNAME_CHARS } from '../protocol/constants.js';

const usernameLength = `username is ${USERNAME_CHARS.min} to ${USERNAME_CHARS.max} characters`;
const passwordLength = `password is ${PASSWORD_CHARS.min} to ${PASSWORD_CHARS.max} characters`;

export const UserSchema = z
  .object({ id: z.string().meta({ format: 'uuid' }), username: z.string() })
  .meta({ id: 'User' });

export const CredentialsBody = z
  .strictObject({
    username: z
      .string()
      .min(USERNAME_CHARS.min, usernameLength)
      .max(USERNAME_CHARS.max, usernameLength)
      .regex(/^[a-zA-Z0-9_.-]+$/, 'username may contain letters, digits, _ . - only'),
    password: z
      .string()
      .min(PASSWORD_CHARS.min, passwordLength)
      .max(PASSWORD_CHARS.max, passwordLength),
  })
  .meta({ id: 'Credentials' });

export const SessionSchema = z
  .object({
    user: UserSchema,
    token: z.string(),
    expiresAt: z.string().meta({ format: 'date-time' }),
  })
  .meta({ id: 'Session' });

export const MeSchema = z.object({ user: UserSchema }).meta({ id: 'Me' });
