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
