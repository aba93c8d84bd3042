/**
 * Typed context helpers: each shared store is provided once by a parent component and reached
 * with `useX()` below it, instead of module-level mutable singletons.
 */
import { getContext, setContext } from 'svelte';
import type { ApiClient } from '../lib/api/rest.js';
import type { ChatStore } from './chat.svelte.js';
import type { ConversationList } from './conversations.svelte.js';
import type { MarkdownLoader } from './markdown.svelte.js';
import type { Route } from './route.svelte.js';
import type { Session } from './session.svelte.js';
import type { Theme } from './theme.svelte.js';

/** Services created once per page load. */
export interface AppServices {
  api: ApiClient;
  session: Session;
  theme: Theme;
  markdown: MarkdownLoader;
  wsUrl: string;
}

/** Stores that live while a user is signed in. */
export interface Workspace {
  conversations: ConversationList;
  chat: ChatStore;
  route: Route;
}

const APP = Symbol('app');
const WORKSPACE = Symbol('workspace');

/** Provides the page-wide services to the component tree. */
export const provideApp = (s: AppServices) => setContext(APP, s);
/** The page-wide services (api, session, theme, markdown). */
export const useApp = () => getContext<AppServices>(APP);
/** Provides the signed-in user's stores. */
export const provideWorkspace = (w: Workspace) => setContext(WORKSPACE, w);
/** The signed-in user's stores (conversations, chat, route). */
export const useWorkspace = () => getContext<Workspace>(WORKSPACE);
