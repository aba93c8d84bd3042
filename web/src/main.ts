/** Entry point: reads the runtime config, builds the page-wide services and mounts the app. */
import { mount } from 'svelte';
import App from './App.svelte';
import { ApiClient } from './lib/api/rest.js';
import { loadConfig } from './lib/config.js';
import { MarkdownLoader } from './state/markdown.svelte.js';
import { Session } from './state/session.svelte.js';
import { Theme } from './state/theme.svelte.js';
import './styles/app.css';

const config = loadConfig();
// A 401 on any signed-in call sends the user back to the sign-in screen with a notice.
const api: ApiClient = new ApiClient(config.apiUrl, undefined, () => session.expire());
const session = new Session(api);

mount(App, {
  target: document.getElementById('app')!,
  props: {
    services: {
      api,
      session,
      theme: new Theme(),
      markdown: new MarkdownLoader(),
      wsUrl: config.wsUrl,
    },
  },
});
