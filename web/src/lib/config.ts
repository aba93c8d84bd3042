/**
 * Runtime configuration: `config.js` (served next to the app, never hashed or cached) sets
 * `window.AICHAT_CONFIG`, so one built bundle serves every environment. Same origin by default.
 */

/** What `config.js` may set; every field optional. */
export interface RawConfig {
  apiUrl?: string;
  wsUrl?: string;
}

/** Resolved absolute URLs the clients use. */
export interface AppConfig {
  /** Base URL of the REST API, without trailing slash (requests go to `${apiUrl}/api/...`). */
  apiUrl: string;
  /** Full URL of the chat WebSocket. */
  wsUrl: string;
}

/**
 * Resolves the runtime config against the page location.
 * @example resolveConfig({}, new URL('https://chat.example/')) // → api https://chat.example, ws wss://chat.example/ws
 */
export function resolveConfig(raw: RawConfig | undefined, location: URL): AppConfig {
  const api = new URL(raw?.apiUrl || '/', location);
  const apiUrl = api.href.replace(/\/+$/, '');
  let ws: URL;
  if (raw?.wsUrl) {
    ws = new URL(raw.wsUrl, location);
  } else {
    ws = new URL('/ws', api);
  }
  if (ws.protocol === 'http:') ws.protocol = 'ws:';
  if (ws.protocol === 'https:') ws.protocol = 'wss:';
  return { apiUrl, wsUrl: ws.href };
}

declare global {
  interface Window {
    AICHAT_CONFIG?: RawConfig;
  }
}

/** Reads `window.AICHAT_CONFIG` (set by /config.js) in the browser. */
export function loadConfig(): AppConfig {
  return resolveConfig(window.AICHAT_CONFIG, new URL(window.location.href));
}
