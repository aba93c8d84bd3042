/** Auth request and response shapes (validation and OpenAPI). */
import { z } from 'zod';

export const UserSchema = z
  .object({ id: z.string().meta({ format: 'uuid' }), username: z.string() })
  .meta({ id: 'User' });

export const CredentialsBody = z
  .strictObject({
    username: z
      .string()
      .min(3, 'username is 3 to 32 characters')
      .max(32, 'username is 3 to 32 characters')
      .regex(/^[a-zA-Z0-9_.-]+$/, 'username may contain letters, digits, _ . - only'),
    password: z
      .string()
      .min(8, 'password is 8 to 128 characters')
      .max(128, 'password is 8 to 128 characters'),
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
