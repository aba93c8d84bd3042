/** Response shapes shared by many routes. */
import { z } from 'zod';

/** Every 4xx/5xx body: a stable code and a message (plus field details for 400). */
export const ErrorBodySchema = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      details: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    }),
  })
  .meta({ id: 'Error' });

/**
 * A string without NUL characters: PostgreSQL text cannot store U+0000, so it must be refused as
 * bad input (400) rather than fail in the database (500). Use for every free-text field.
 */
export const noNul = (s: string): boolean => !s.includes('\u0000');
export const NO_NUL_MESSAGE = 'must not contain NUL characters';
