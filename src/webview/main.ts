// Simulator panel (browser side). Filled in by the webview issue.
export {};
