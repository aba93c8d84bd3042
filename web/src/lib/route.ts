/** The open conversation lives in the URL (/c/<id>) so reloads and links keep it. */

/** The conversation id in a path like `/c/<id>`, or null. */
export function conversationIdFromPath(path: string): string | null {
  const m = /^\/c\/([^/]+)\/?$/.exec(path);
  return m ? decodeURIComponent(m[1]!) : null;
}
