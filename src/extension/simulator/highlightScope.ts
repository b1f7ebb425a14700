// Which documents the simulator webview may ask the extension to light (and so open beside the panel).
// A webview is web content: a `highlight` message naming any other URI (a local file, a key in the user's
// home) is refused, whatever its scheme. Allowed are the built-in protocols' listings and the C files
// whose functions the panel compiled itself — the extension records those, never the webview.
// No vscode import: the panel passes URIs already in VS Code's canonical form (Uri.parse().toString()).

/** How many C sources a panel remembers across window reloads (each "Simulate with…" adds one). */
export const MAX_REMEMBERED_SOURCES = 8;

export class HighlightScope {
  private readonly listings: ReadonlySet<string>;
  private sources: string[];

  /** `listings`: the built-in protocols' listing URIs; `sources`: C files simulated before (newest last). */
  constructor(listings: Iterable<string>, sources: readonly string[] = []) {
    this.listings = new Set(listings);
    this.sources = sources.slice(-MAX_REMEMBERED_SOURCES);
  }

  /** The panel compiled functions of `uri`: its steps light that document. */
  addSource(uri: string): void {
    this.sources = [...this.sources.filter((s) => s !== uri), uri].slice(-MAX_REMEMBERED_SOURCES);
  }

  /** The C sources, oldest first (what the panel persists for a reload). */
  get rememberedSources(): readonly string[] {
    return this.sources;
  }

  allows(uri: string): boolean {
    return this.listings.has(uri) || this.sources.includes(uri);
  }
}
