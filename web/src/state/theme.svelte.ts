/** Light/dark theme: follows the OS unless the user picks one; the choice survives reloads. */

export type ThemeChoice = 'system' | 'light' | 'dark';
const KEY = 'aichat-theme';
const ORDER: ThemeChoice[] = ['system', 'light', 'dark'];

/** The theme preference, applied as `data-theme` on <html> (CSS uses `color-scheme`). */
export class Theme {
  choice = $state<ThemeChoice>('system');

  constructor(private readonly root: HTMLElement = document.documentElement) {
    const saved = safeGet(KEY);
    if (saved === 'light' || saved === 'dark') this.choice = saved;
    this.apply();
  }

  /** Cycles system → light → dark → system. */
  cycle(): void {
    this.set(ORDER[(ORDER.indexOf(this.choice) + 1) % ORDER.length]!);
  }

  /** Sets and remembers a choice. */
  set(choice: ThemeChoice): void {
    this.choice = choice;
    if (choice === 'system') safeRemove(KEY);
    else safeSet(KEY, choice);
    this.apply();
  }

  private apply(): void {
    if (this.choice === 'system') delete this.root.dataset.theme;
    else this.root.dataset.theme = this.choice;
  }
}

// Storage can throw (privacy modes, disabled cookies): the theme then just is not remembered.
function safeGet(k: string): string | null {
  try {
    return localStorage.getItem(k);
  } catch {
    return null;
  }
}
function safeSet(k: string, v: string): void {
  try {
    localStorage.setItem(k, v);
  } catch {
    /* not remembered */
  }
}
function safeRemove(k: string): void {
  try {
    localStorage.removeItem(k);
  } catch {
    /* nothing to forget */
  }
}
